package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.RequestLog;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar as an operator runs it: {@code java -jar target/dreamina-bridge.jar}, configured only by environment
 * variables.
 */
@ExtendWith(KafkaBroker.class)
class JarIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withNoConfigurationItRunsLocallyAndShowsTasksFinishingAndADeadLetter(@TempDir Path emptyDir)
            throws Exception {
        // An empty working directory: the routes and configuration inside the jar serve.
        try (BridgeProcess bridge = BridgeProcess.start(emptyDir, Map.of())) {
            bridge.awaitLog(Pattern.compile("LOCAL MODE"), 1, START);
            bridge.awaitLog(Pattern.compile("Task [0-9a-f-]{36} done: https://cdn\\.acedata\\.cloud/\\S+\\.mp4"), 4,
                    START);
            bridge.awaitLog(Pattern.compile("Dead-lettered .* task_failed"), 1, START);
            bridge.awaitLog(Pattern.compile("Dead-lettered .* invalid_input"), 1, START);
            assertFalse(bridge.log().contains("CONNECTED MODE"));
            assertGracefulStop(bridge);
        }
    }

    @Test
    void aTokenWithoutABrokerIsAConfigurationErrorAndStartsNothingEmbedded(@TempDir Path emptyDir)
            throws Exception {
        try (BridgeProcess bridge = BridgeProcess.start(emptyDir, Map.of("DREAMINA_API_TOKEN", "some-token"))) {
            int exit = bridge.waitForExit(START);
            assertNotEquals(0, exit);
            assertTrue(bridge.log().contains("An API token is configured but no Kafka broker"), bridge.tail());
            assertFalse(bridge.log().contains("LOCAL MODE"));
            assertFalse(bridge.log().contains("some-token"), "the token is never logged");
        }
    }

    @Test
    @DisplayName("12 canary token, every documented key from its environment variable")
    void everyDocumentedKeyIsTakenFromItsEnvironmentVariableAndTheTokenNeverReachesALog() throws Exception {
        String token = Canary.TOKEN;
        TestTopics topics = TestTopics.unique("jar");
        RequestLog apiLog = new RequestLog();
        try (TasksApiSimulator api = new TasksApiSimulator(token).hook(apiLog).start();
             KafkaTestClient kafka = new KafkaTestClient(KafkaBroker.bootstrapServers())) {
            kafka.createTopic(topics.in(), 2);
            Map<String, String> env = BridgeProcess.connectedEnvironment(api.baseUrl(), token, topics);
            env.put("DREAMINA_POLL_INTERVAL", "300ms");
            env.put("DREAMINA_POLL_MAX_WAIT", "4s");
            env.put("DREAMINA_POLL_BATCH_SIZE", "3");
            env.put("DREAMINA_API_MAX_REQUESTS_PER_SECOND", "7");
            // The most a person may switch on: DEBUG everywhere, HttpClient's wire and headers included.
            env.put("DREAMINA_LOG_LEVEL", "DEBUG");
            env.put("DREAMINA_HTTP_LOG_LEVEL", "DEBUG");

            List<SimulatedTask> tasks = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(200))));
            }
            SimulatedTask never = api.createTask(TaskScript.never());
            try (BridgeProcess bridge = BridgeProcess.start(Path.of("").toAbsolutePath(), env)) {
                bridge.awaitStarted(START);
                for (SimulatedTask task : tasks) {
                    kafka.send(topics.in(), null, task.id().getBytes(StandardCharsets.UTF_8));
                }
                kafka.send(topics.in(), "never", never.id().getBytes(StandardCharsets.UTF_8));

                List<ConsumerRecord<String, byte[]>> outputs = kafka.awaitRecords(topics.out(), 7, START);
                for (ConsumerRecord<String, byte[]> record : outputs) {
                    JsonNode detail = JSON.readTree(record.value());
                    assertEquals(record.key(), detail.path("id").asText());
                    assertEquals("done", header(record, "dreamina.status"));
                }
                // DREAMINA_POLL_MAX_WAIT: 4 s instead of 15 min.
                ConsumerRecord<String, byte[]> timedOut = kafka.awaitRecords(topics.dlq(), 1, START).get(0);
                assertEquals("poll_timeout", header(timedOut, "dreamina.error.code"));
                assertTrue(timedOut.timestamp() - outputs.get(0).timestamp() < Duration.ofMinutes(1).toMillis());

                int maxIds = 0;
                int neverPolls = 0;
                for (String body : apiLog.lastRequestBodies()) {
                    JsonNode request = JSON.readTree(body);
                    maxIds = Math.max(maxIds, request.path("ids").size());
                    if (body.contains(never.id())) {
                        neverPolls++;
                    }
                }
                assertTrue(maxIds <= 3, "DREAMINA_POLL_BATCH_SIZE: at most 3 ids per retrieve_batch, saw " + maxIds);
                // DREAMINA_POLL_INTERVAL: at 300 ms the never-finishing task is polled many times within 4 s
                // (at the default 5 s it would be polled once).
                assertTrue(neverPolls >= 4, "polled every 300 ms: " + neverPolls + " polls");
                assertTrue(maxRequestsInAnySecond(apiLog.requestTimestampsNanos()) <= 7,
                        "DREAMINA_API_MAX_REQUESTS_PER_SECOND=7 holds");
                assertTrue(apiLog.authorizationHeadersSeen().contains("Bearer " + token),
                        "DREAMINA_API_TOKEN reaches the API");

                assertGracefulStop(bridge);
                String log = bridge.log();
                assertTrue(log.contains("Bearer ****"), "HttpClient's header log ran, masked");
                assertFalse(log.contains(token), () -> "the token appears in no log line, but: "
                        + log.lines().filter(line -> line.contains(token)).limit(5).toList());
                for (String topic : List.of(topics.out(), topics.dlq(), topics.in())) {
                    for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic, Duration.ofMillis(300))) {
                        assertFalse(new String(record.value(), StandardCharsets.UTF_8).contains(token));
                        record.headers().forEach(h -> assertFalse(
                                h.key().equalsIgnoreCase("authorization")
                                        || new String(h.value(), StandardCharsets.UTF_8).contains(token),
                                "header " + h.key()));
                    }
                }
            }
        }
    }

    /** SIGTERM: Camel's graceful shutdown runs (the JVM then reports 143, the signal's conventional code). */
    private static void assertGracefulStop(BridgeProcess bridge) throws InterruptedException {
        int exit = bridge.terminate(Duration.ofSeconds(60));
        assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        assertTrue(Pattern.compile("Apache Camel .* shutdown in").matcher(bridge.log()).find(), bridge.tail());
    }

    private static int maxRequestsInAnySecond(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(Long::compare);
        int max = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (sorted.get(end) - sorted.get(start) >= 1_000_000_000L) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }
}
