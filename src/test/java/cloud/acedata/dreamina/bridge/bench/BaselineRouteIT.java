package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.simulator.RequestLog;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's baseline does the bridge's job, the obvious way: one {@code retrieve} per task every cadence until
 * the task is finished, then the output (or the dead-letter) topic. Against the real broker and the simulator, so
 * that its figures in the benchmark are those of a route that works.
 */
@ExtendWith(KafkaBroker.class)
class BaselineRouteIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration CADENCE = Duration.ofMillis(200);

    @Test
    void pollsEachTaskOnItsOwnUntilItIsFinishedThenPublishesOrDeadLettersIt() throws Exception {
        TestTopics topics = TestTopics.unique("baseline");
        RequestLog apiLog = new RequestLog();
        try (KafkaTestClient kafka = KafkaTestClient.ofSharedBroker();
             TasksApiSimulator api = new TasksApiSimulator(Canary.TOKEN).hook(apiLog).start()) {
            kafka.createTopic(topics.in(), 2);
            kafka.createTopic(topics.out(), 1);
            kafka.createTopic(topics.dlq(), 1);
            SimulatedTask done = api.createTask(TaskScript.done(Duration.ofMillis(900)).fromFirstPoll());
            SimulatedTask failed = api.createTask(TaskScript.failed(Duration.ZERO));

            try (BaselineSubject baseline = BaselineSubject.start(KafkaBroker.bootstrapServers(), api.baseUrl(),
                    Canary.TOKEN, topics, 2, CADENCE)) {
                kafka.send(topics.in(), done.id(), done.id().getBytes(StandardCharsets.UTF_8));
                kafka.send(topics.in(), failed.id(), failed.id().getBytes(StandardCharsets.UTF_8));

                List<ConsumerRecord<String, byte[]>> outputs = kafka.awaitRecords(topics.out(), 1, DEADLINE);
                List<ConsumerRecord<String, byte[]>> deadLetters = kafka.awaitRecords(topics.dlq(), 1, DEADLINE);

                assertEquals(1, outputs.size());
                assertEquals(done.id(), outputs.get(0).key());
                JsonNode detail = new ObjectMapper().readTree(outputs.get(0).value());
                assertEquals("done", detail.path("response").path("data").path("status").asText());
                assertEquals(done.videoUrl(), detail.path("response").path("data").path("video_url").asText());
                assertEquals(1, deadLetters.size());
                assertEquals(failed.id(), deadLetters.get(0).key());
            }
            // One retrieve per task per cadence: the finished one at once, the other until 900 ms after its first poll.
            assertEquals(1, failed.polls());
            assertTrue(done.polls() >= 4 && done.polls() <= 7, "polls of the 900 ms task: " + done.polls());
            assertEquals(apiLog.requestCount(), apiLog.requestCount("retrieve"));
            assertEquals(apiLog.requestCount(), apiLog.idsRequested(), "one id per request");
            assertEquals(0, apiLog.rateLimitedCount());
        }
    }
}
