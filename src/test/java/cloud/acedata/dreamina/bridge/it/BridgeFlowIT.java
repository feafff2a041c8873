package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TokenState;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's outside contract, end to end: a real Kafka broker (in-process KRaft), the Tasks API simulator, and
 * the bridge built exactly as the jar builds it. Each test has its own topics and consumer group.
 */
class BridgeFlowIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected String topicPrefix() {
        return "flow";
    }

    @Test
    void finishedTasksArePublishedWithTheDetailAsReturnedAndTheContractHeaders() throws Exception {
        SimulatedTask bare = api.createTask(TaskScript.done(Duration.ofMillis(600)));
        SimulatedTask asyncAnswer = api.createTask(TaskScript.done(Duration.ofMillis(300)));
        SimulatedTask byTrace = api.createTask(TaskScript.done(Duration.ofMillis(300)));
        startBridge();

        send("k-bare", bare.id());
        send(null, "{\"success\":true,\"task_id\":\"" + asyncAnswer.id() + "\",\"trace_id\":\""
                + asyncAnswer.traceId() + "\",\"data\":[]}");
        send(null, "{\"trace_id\":\"" + byTrace.traceId() + "\"}");

        Map<String, ConsumerRecord<String, byte[]>> byKey = kafka.awaitRecords(topics.out(), 3, DEADLINE).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        for (SimulatedTask task : List.of(bare, asyncAnswer, byTrace)) {
            ConsumerRecord<String, byte[]> record = byKey.get(task.id());
            assertNotNull(record, "an output record keyed by the task id " + task.id());
            JsonNode detail = JSON.readTree(record.value());
            assertEquals(task.id(), detail.path("id").asText());
            assertEquals("done", detail.path("response").path("data").path("status").asText());
            assertEquals(task.videoUrl(), detail.path("response").path("data").path("video_url").asText());
            assertEquals(task.id(), header(record, "dreamina.task.id"));
            assertEquals(task.traceId(), header(record, "dreamina.trace.id"));
            assertEquals(task.videoUrl(), header(record, "dreamina.video.url"));
            assertEquals("done", header(record, "dreamina.status"));
            assertNoInternalOrSecretHeaders(record);
        }
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "nothing dead-lettered");
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
    }

    @Test
    void tasksKnownByIdArePolledTogetherWithRetrieveBatch() throws Exception {
        settings.put("dreamina.poll.batch-size", "5");
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(400))));
        }
        long batchesBefore = apiLog.requestCount("retrieve_batch");
        long singlesBefore = apiLog.requestCount("retrieve");
        startBridge();
        for (SimulatedTask task : tasks) {
            send(null, task.id());
        }
        kafka.awaitRecords(topics.out(), 12, DEADLINE);
        assertTrue(apiLog.requestCount("retrieve_batch") > batchesBefore, "retrieve_batch used");
        assertEquals(singlesBefore, apiLog.requestCount("retrieve"), "no single retrieve for tasks known by id");
        for (String body : apiLog.lastRequestBodies()) {
            JsonNode request = JSON.readTree(body);
            if ("retrieve_batch".equals(request.path("action").asText())) {
                assertTrue(request.path("ids").size() <= 5, "at most batch-size ids per request: " + body);
            }
        }
    }

    @Test
    @DisplayName("8 poison input")
    void invalidInputIsDeadLetteredWithItsOriginalBytesAndTheValidRecordBehindItCompletes() throws Exception {
        SimulatedTask good = api.createTask(TaskScript.done(Duration.ofMillis(200)));
        startBridge();
        List<byte[]> poison = List.of(
                new byte[0],
                "{".getBytes(StandardCharsets.UTF_8),
                "{\"task_id\": 42}".getBytes(StandardCharsets.UTF_8),
                "not a task id!".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF},
                "[".repeat(20_000).getBytes(StandardCharsets.UTF_8),
                "{\"success\":false,\"error\":{\"code\":\"bad_request\"}}".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < poison.size(); i++) {
            kafka.send(topics.in(), "poison-" + i, poison.get(i));
        }
        kafka.send(topics.in(), "null-value", null);
        send("good", good.id());

        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.awaitRecords(topics.dlq(), poison.size() + 1, DEADLINE);
        Map<String, ConsumerRecord<String, byte[]>> byKey = deadLetters.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        for (int i = 0; i < poison.size(); i++) {
            ConsumerRecord<String, byte[]> record = byKey.get("poison-" + i);
            assertNotNull(record, "a dead letter for poison-" + i);
            assertArrayEquals(poison.get(i), record.value() == null ? new byte[0] : record.value(),
                    "the original bytes of poison-" + i);
            assertEquals("invalid_input", header(record, "dreamina.error.code"));
            assertNotNull(header(record, "dreamina.error.message"));
            assertEquals(topics.in(), header(record, "dreamina.origin.topic"));
            assertNotNull(header(record, "dreamina.origin.partition"));
            assertNotNull(header(record, "dreamina.origin.offset"));
            assertNull(header(record, "dreamina.http.status"));
        }
        assertEquals("invalid_input", header(byKey.get("null-value"), "dreamina.error.code"));
        ConsumerRecord<String, byte[]> output = kafka.awaitRecords(topics.out(), 1, DEADLINE).get(0);
        assertEquals(good.id(), output.key());
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        assertEquals(poison.size() + 1, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(),
                "exactly one dead letter per invalid record");
    }

    @Test
    void failedTasksAreDeadLetteredAsTaskFailedWithTheOriginalRecord() throws Exception {
        SimulatedTask failed = api.createTask(TaskScript.failed("failed", Duration.ofMillis(200)));
        SimulatedTask cancelled = api.createTask(TaskScript.failed("cancelled", Duration.ofMillis(200)));
        SimulatedTask noVideo = api.createTask(TaskScript.doneWithoutVideo(Duration.ofMillis(200)));
        SimulatedTask responseFailed = api.createTask(TaskScript.responseFailed(Duration.ofMillis(200)));
        startBridge();
        Map<String, SimulatedTask> byKey = Map.of("f1", failed, "f2", cancelled, "f3", noVideo, "f4", responseFailed);
        byKey.forEach((key, task) -> send(key, task.id()));

        for (ConsumerRecord<String, byte[]> record : kafka.awaitRecords(topics.dlq(), 4, DEADLINE)) {
            SimulatedTask task = byKey.get(record.key());
            assertNotNull(task, "dead letter keyed by the input key: " + record.key());
            assertEquals(task.id(), new String(record.value(), StandardCharsets.UTF_8), "original value");
            assertEquals("task_failed", header(record, "dreamina.error.code"));
            assertEquals(task.id(), header(record, "dreamina.task.id"));
            assertEquals(topics.in(), header(record, "dreamina.origin.topic"));
            assertNotNull(header(record, "dreamina.error.message"));
            assertNoInternalOrSecretHeaders(record);
        }
        assertEquals(0, kafka.readAll(topics.out(), Duration.ofMillis(300)).size(), "nothing published");
    }

    @Test
    void aTaskThatNeverFinishesIsDeadLetteredAsPollTimeoutAfterMaxWait() throws Exception {
        settings.put("dreamina.poll.max-wait", "2s");
        SimulatedTask never = api.createTask(TaskScript.never());
        startBridge();
        send("slow", never.id());
        send("unknown", "0c0b4d3a-2f1e-4a6b-9c2d-2b3c4d5e6f70");

        Map<String, ConsumerRecord<String, byte[]>> byKey = kafka.awaitRecords(topics.dlq(), 2, DEADLINE).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        assertEquals("poll_timeout", header(byKey.get("slow"), "dreamina.error.code"));
        assertEquals(never.id(), header(byKey.get("slow"), "dreamina.task.id"));
        assertEquals("poll_timeout", header(byKey.get("unknown"), "dreamina.error.code"));
    }

    @Test
    void aRefusedBatchIsIsolatedSoOnlyTheFaultyTaskIsDeadLetteredWithTheApiCode() throws Exception {
        List<SimulatedTask> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(api.createTask(TaskScript.done(Duration.ofMillis(300))));
        }
        SimulatedTask poisoned = api.createTask(TaskScript.done(Duration.ofMillis(300)));
        apiFaults.poisonId(poisoned.id());
        startBridge();
        send("poisoned", poisoned.id());
        good.forEach(task -> send(null, task.id()));

        kafka.awaitRecords(topics.out(), 4, DEADLINE);
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
        assertEquals("poisoned", dead.key());
        assertEquals("bad_request", header(dead, "dreamina.error.code"));
        assertEquals("400", header(dead, "dreamina.http.status"));
        assertEquals(poisoned.id(), header(dead, "dreamina.task.id"));
        assertEquals(1, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "only the faulty task");
    }

    @Test
    void aWrongUrlPausesLikeARefusedTokenAndDeadLettersNothing() throws Exception {
        // 404 no_api: the URL is wrong, not the tasks. Before, every task was dead-lettered within one cadence.
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(100)));
        settings.put("dreamina.api.base-url", api.baseUrl() + "/wrong");
        BridgeInstance wrong = startBridge();
        send("lost", task.id());
        within(DEADLINE)
                .alias("the ingest route stopped after 404 no_api")
                .until(() -> wrong.context().getRouteController().getRouteStatus("ingest-tasks").isStopped());
        long requests = apiLog.requestCount();
        within(DEADLINE).alias("the URL re-checked").until(() -> apiLog.requestCount() >= requests + 2);
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "nothing dead-lettered");

        // The operator fixes the URL and restarts: the task, still pending, finishes.
        wrong.close();
        settings.put("dreamina.api.base-url", api.baseUrl());
        startBridge();
        assertEquals(task.id(), kafka.awaitRecords(topics.out(), 1, DEADLINE).get(0).key());
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "nothing dead-lettered");
    }

    @Test
    void transientApiFailuresAreRetriedAndNothingIsDeadLettered() throws Exception {
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(200))));
        }
        apiFaults.failNext(2, Fault.status(500, "api_error"));
        apiFaults.failNext(1, Fault.status(504, "timeout"));
        apiFaults.failNext(1, Fault.nonJson200());
        apiFaults.failNext(1, Fault.dropConnection());
        apiFaults.failNext(1, Fault.tooManyRequests("1"));
        apiFaults.failNext(1, Fault.rateLimitedConcurrency());
        startBridge();
        tasks.forEach(task -> send(null, task.id()));

        kafka.awaitRecords(topics.out(), 3, DEADLINE);
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "nothing dead-lettered");
    }

    @Test
    @DisplayName("6 refused token")
    void aRefusedTokenPausesConsumptionWithoutDeadLetteringAndResumesByItself() throws Exception {
        SimulatedTask early = api.createTask(TaskScript.done(Duration.ofMillis(100)));
        api.tokenState(TokenState.INVALID);
        BridgeInstance bridge = startBridge();
        send(null, early.id());
        within(DEADLINE)
                .alias("the ingest route stopped after a 401")
                .until(() -> apiLog.requestCount() > 0 && bridge.context().getRouteController()
                        .getRouteStatus("ingest-tasks").isStopped());
        long committedBefore = kafka.committedOffset(topics.group(), topics.in());
        for (int i = 0; i < 3; i++) {
            send(null, api.createTask(TaskScript.done(Duration.ofMillis(100))).id());
        }
        within(DEADLINE)
                .alias("the input's lag grows while paused")
                .until(() -> kafka.lag(topics.group(), topics.in()) >= 3);
        assertEquals(committedBefore, kafka.committedOffset(topics.group(), topics.in()), "no input record skipped");

        // 403 (balance used up) is the credential's fault too: still nothing dead-lettered.
        api.tokenState(TokenState.USED_UP);
        long requestsAt403 = apiLog.requestCount();
        within(DEADLINE).alias("re-checked under 403").until(() -> apiLog.requestCount() >= requestsAt403 + 2);
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(100)).size(), "nothing dead-lettered under 403");
        assertEquals(committedBefore, kafka.committedOffset(topics.group(), topics.in()), "still no input record skipped");

        api.tokenState(TokenState.VALID);
        kafka.awaitRecords(topics.out(), 4, DEADLINE);
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "nothing dead-lettered");
    }

    @Test
    void theClientSideRateLimitHoldsUnderLoad() throws Exception {
        settings.put("dreamina.api.max-requests-per-second", "5");
        settings.put("dreamina.poll.batch-size", "1");
        api.maxRequestsPerSecond(6);
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(100))));
        }
        long limitedBefore = apiLog.rateLimitedCount();
        startBridge();
        tasks.forEach(task -> send(null, task.id()));
        kafka.awaitRecords(topics.out(), 20, DEADLINE);
        assertEquals(limitedBefore, apiLog.rateLimitedCount(), "the simulator never had to answer 429");
    }

    @Test
    void inFlightTasksSurviveARestart() throws Exception {
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(100)));
        apiFaults.failAlways(Fault.status(500, "api_error"));
        long requestsBefore = apiLog.requestCount();
        BridgeInstance first = startBridge();
        send(null, task.id());
        within(DEADLINE)
                .alias("the task parked on the pending topic and polled")
                .until(() -> kafka.lag(topics.group(), topics.in()) == 0 && apiLog.requestCount() > requestsBefore);
        first.close();
        assertEquals(0, kafka.readAll(topics.out(), Duration.ofMillis(200)).size(), "not finished before the stop");

        apiFaults.clearFaults();
        startBridge();
        ConsumerRecord<String, byte[]> output = kafka.awaitRecords(topics.out(), 1, DEADLINE).get(0);
        assertEquals(task.id(), output.key());
        assertEquals(1, kafka.readAll(topics.out(), Duration.ofMillis(500)).size(), "published once");
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(100)).size(), "nothing dead-lettered");
    }

    @Test
    @DisplayName("13 client configuration")
    void producersWaitForAllReplicasAndAreIdempotent() throws Exception {
        BridgeInstance bridge = startBridge();
        KafkaComponent component = bridge.context().getComponent("kafka", KafkaComponent.class);
        assertEquals("all", component.getConfiguration().getRequestRequiredAcks());
        assertTrue(component.getConfiguration().isEnableIdempotence());
        assertEquals("earliest", component.getConfiguration().getAutoOffsetReset());
    }

    private BridgeInstance startBridge() throws Exception {
        return startBridge(settings);
    }

    private void send(String key, String value) {
        kafka.send(topics.in(), key, value.getBytes(StandardCharsets.UTF_8));
    }

    private void assertNoInternalOrSecretHeaders(ConsumerRecord<String, byte[]> record) {
        Set<String> names = Arrays.stream(record.headers().toArray()).map(Header::key).collect(Collectors.toSet());
        assertFalse(names.stream().anyMatch(name -> name.startsWith("dreamina.pending.")), "internal: " + names);
        assertFalse(names.stream().anyMatch(name -> name.equalsIgnoreCase("authorization")), "auth: " + names);
        for (Header h : record.headers()) {
            assertFalse(h.value() != null && new String(h.value(), StandardCharsets.UTF_8).contains(TOKEN),
                    "token in header " + h.key());
        }
        assertFalse(record.value() != null && new String(record.value(), StandardCharsets.UTF_8).contains(TOKEN));
    }

}
