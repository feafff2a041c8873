package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.api.ApiRateLimiter;
import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll path under the faults that used to stall it (the hardening issue), end to end: the bridge as the jar
 * builds it, the real in-process broker, the Tasks API simulator. One task the API cannot answer, a general outage,
 * a finished task too large for the output topic, a burst to an output topic that takes less than a producer batch,
 * an output topic that does not exist, and three instances sharing one token's budget. Each writes a line to
 * {@code target/reliability-report.txt}.
 */
class PollPathIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Override
    protected String topicPrefix() {
        return "poll";
    }

    /** A hanging answer lasts longer than the read timeouts these tests set. */
    @BeforeEach
    void hangLongerThanAnyReadTimeout() {
        apiFaults.hangFor(Duration.ofSeconds(30));
    }

    private List<SimulatedTask> healthyTasks(int count) {
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(500))));
        }
        return tasks;
    }

    @Test
    void oneTaskWhoseRequestsFailWith500DoesNotStallTheOthersAndIsDeadLetteredAfterMaxWait() throws Exception {
        oneTaskTheApiCannotAnswer(Fault.status(500, "api_error"), "500 every time", "api_error", "500");
    }

    @Test
    void oneTaskWhoseRequestsHangPastTheReadTimeoutDoesNotStallTheOthers() throws Exception {
        settings.put("dreamina.api.read-timeout", "1s");
        apiFaults.hangFor(Duration.ofSeconds(5));
        oneTaskTheApiCannotAnswer(Fault.hang(), "hangs past the 1 s read timeout", "timeout", null);
    }

    private void oneTaskTheApiCannotAnswer(Fault fault, String what, String code, String status) throws Exception {
        settings.put("dreamina.poll.max-wait", "6s");
        List<SimulatedTask> healthy = healthyTasks(40);
        SimulatedTask bad = api.createTask(TaskScript.done(Duration.ofMillis(500)));
        apiFaults.failWhenNaming(bad.id(), fault);
        startBridge(settings);
        long start = System.nanoTime();
        kafka.send(topics.in(), "bad", bad.id().getBytes(StandardCharsets.UTF_8));
        healthy.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), healthy.size(), DEADLINE);
        long healthyMs = (System.nanoTime() - start) / 1_000_000;
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
        long deadMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(ids(healthy), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertEquals("bad", dead.key());
        assertArrayEquals(bad.id().getBytes(StandardCharsets.UTF_8), dead.value(), "the original input");
        assertEquals(code, header(dead, "dreamina.error.code"));
        assertEquals(status, header(dead, "dreamina.http.status"));
        assertEquals(bad.id(), header(dead, "dreamina.task.id"));
        assertEquals(1, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "only the bad task");
        report("one task the API cannot answer (" + what + ")", 41, healthy.size(), 1,
                "the 40 healthy tasks out in " + healthyMs + " ms; the bad one dead-lettered " + code + " after "
                        + deadMs + " ms (max-wait 6 s)");
    }

    @Test
    void aGeneralOutageLongerThanMaxWaitDeadLettersNothing() throws Exception {
        settings.put("dreamina.poll.max-wait", "2s");
        List<SimulatedTask> tasks = healthyTasks(5);
        apiFaults.failAlways(Fault.status(500, "api_error"));
        startBridge(settings);
        tasks.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        long failedBefore = apiFaults.faultCount();
        // Well past max-wait with every request failing: an outage is no task's fault.
        within(DEADLINE).alias("six failed requests").until(() -> apiFaults.faultCount() >= failedBefore + 6);
        long failed = apiFaults.faultCount() - failedBefore;
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofSeconds(3)).isEmpty(), "nothing dead-lettered");

        apiFaults.clearFaults();
        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        assertEquals(ids(tasks), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        report("general API outage past max-wait", tasks.size(), tasks.size(), 0,
                failed + " failed requests over more than max-wait (2 s); then every task finished");
    }

    @Test
    void aProxyRefusingEveryRequestOpensTheCircuitInsteadOfDeadLetteringEveryTask() throws Exception {
        List<SimulatedTask> tasks = healthyTasks(12);
        apiFaults.failAlways(Fault.status(407, "proxy_authentication_required"));
        BridgeInstance bridge = startBridge(settings);
        tasks.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        within(DEADLINE)
                .alias("the circuit open: new input paused")
                .until(() -> bridge.context().getRouteController().getRouteStatus("ingest-tasks").isStopped());
        long refused = apiFaults.faultCount();
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofSeconds(1)).isEmpty(), "nothing dead-lettered");

        apiFaults.clearFaults();
        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        assertEquals(ids(tasks), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        report("a proxy answering 407 to every request", tasks.size(), tasks.size(), 0, refused
                + " requests refused: circuit open, input paused, nothing dead-lettered; then every task finished");
    }

    @Test
    void aFinishedTaskTooLargeForTheOutputTopicIsDeadLetteredAndTheOthersGoOn() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.out()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "200"),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        List<SimulatedTask> tasks = healthyTasks(3);
        startBridge(settings);
        tasks.forEach(task -> kafka.send(topics.in(), "k-" + task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitRecords(topics.dlq(), tasks.size(), DEADLINE);
        for (ConsumerRecord<String, byte[]> record : dead) {
            assertEquals("record_too_large", header(record, "dreamina.error.code"));
            assertTrue(header(record, "dreamina.video.url").startsWith("https://"), "the video is known");
            assertEquals("k-" + header(record, "dreamina.task.id"), record.key());
            assertArrayEquals(header(record, "dreamina.task.id").getBytes(StandardCharsets.UTF_8), record.value(),
                    "the small original input");
        }
        assertEquals(tasks.size(), kafka.readAll(topics.dlq(), Duration.ofMillis(500)).size(), "each once");
        within(DEADLINE)
                .alias("the pending partitions move on")
                .until(() -> kafka.lag(topics.pendingGroup(), topics.pending()) == 0);
        report("finished task too large for the output topic", tasks.size(), 0, tasks.size(),
                "output max.message.bytes 200: each dead-lettered record_too_large with its video URL; pending "
                        + "offsets committed");
    }

    @Test
    void aBurstToAnOutputTopicThatTakesLessThanAProducerBatchArrivesWholeAndOnce() throws Exception {
        // The producers gather up to camel.component.kafka.producer-batch-size (128 KiB) per partition in a request;
        // this topic takes at most 4 KiB a batch. It refuses such batches whole, and the producer splits them
        // (KAFKA-8350): every output arrives once, none is dead-lettered as too large.
        int limit = 4096;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.out()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", String.valueOf(limit)),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ZERO)));
        }
        LogRecorder log = own(LogRecorder.start());
        startBridge(settings);
        tasks.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        long splits = log.countContaining("splitting and retrying");
        assertTrue(splits > 0, "the topic refused batches larger than it takes and the producer split them");
        assertEquals(ids(tasks), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertEquals(tasks.size(), kafka.readAll(topics.out(), Duration.ofMillis(500)).size(), "each once");
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        Map<Integer, Integer> bytesByPartition = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : out) {
            assertTrue(record.serializedValueSize() < limit, "each output fits the topic on its own");
            bytesByPartition.merge(record.partition(), record.serializedValueSize(), Integer::sum);
        }
        assertTrue(bytesByPartition.values().stream().allMatch(bytes -> bytes > 4 * limit),
                "each partition's outputs are several of the topic's batches: " + bytesByPartition);
        report("a burst to an output topic taking 4 KiB a batch", tasks.size(), tasks.size(), 0,
                splits + " refused batches split by the producer: every output once, nothing dead-lettered");
    }

    @Test
    void aMissingOutputTopicPausesThePollingAndItsTasksLandOnceWhenItExists() throws Exception {
        EmbeddedKafka broker = own(EmbeddedKafka.start(Map.of("auto.create.topics.enable", "false")));
        KafkaTestClient dedicated = own(new KafkaTestClient(broker.bootstrapServers()));
        dedicated.createTopic(topics.in(), 1);
        dedicated.createTopic(topics.dlq(), 1);
        Map<String, String> s = new HashMap<>(settings);
        s.put("camel.component.kafka.brokers", broker.bootstrapServers());
        s.put("camel.component.kafka.max-block-ms", "1000");
        s.put("dreamina.kafka.write-retries", "0");
        s.put("dreamina.api.credential-recheck", "1s");
        LogRecorder log = own(LogRecorder.start());
        List<SimulatedTask> tasks = healthyTasks(4);
        startBridge(s);
        tasks.forEach(task -> dedicated.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        within(DEADLINE)
                .alias("the refusing topic reported")
                .until(() -> log.countContaining("A topic refuses the bridge's writes") >= 1);
        long requests = apiLog.requestCount();
        within(DEADLINE).alias("tried again after the pause").until(() -> apiLog.requestCount() >= requests + 2);
        assertEquals(1, log.countContaining("A topic refuses the bridge's writes"), "said once");
        assertTrue(dedicated.readAll(topics.dlq(), Duration.ofMillis(200)).isEmpty(), "nothing dead-lettered");

        dedicated.createTopic(topics.out(), 1);
        List<ConsumerRecord<String, byte[]>> out = dedicated.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        assertEquals(ids(tasks), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertEquals(tasks.size(), dedicated.readAll(topics.out(), Duration.ofSeconds(1)).size(), "no duplicate");
        report("output topic missing, auto-creation off", tasks.size(), tasks.size(), 0,
                "polling paused, said once; once the topic existed every task landed once");
    }

    @Test
    void threeInstancesShareOneTokensBudgetWithNo429() throws Exception {
        settings.put("dreamina.topic.pending.partitions", "6");
        settings.put("dreamina.api.max-requests-per-second", "50");
        settings.put("dreamina.poll.batch-size", "1");
        settings.put("dreamina.poll.interval", "100ms");
        settings.put("dreamina.poll.max-wait", "5m");
        api.maxRequestsPerSecond(60);
        List<BridgeInstance> bridges = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bridges.add(startBridge(settings));
        }
        // Tasks that never finish: far more due polls than the budget allows.
        for (int i = 0; i < 600; i++) {
            String id = java.util.UUID.randomUUID().toString();
            kafka.send(topics.in(), id, id.getBytes(StandardCharsets.UTF_8));
        }
        within(DEADLINE)
                .untilAsserted(() -> assertTrue(Math.abs(totalRate(bridges) - 50) < 0.01,
                        () -> "the budget shared out: " + rates(bridges)));
        long limited = apiLog.rateLimitedCount();
        long requests = apiLog.requestCount();
        long start = System.nanoTime();
        within(DEADLINE).alias("400 more requests").until(() -> apiLog.requestCount() >= requests + 400);
        double perSecond = (apiLog.requestCount() - requests) / ((System.nanoTime() - start) / 1e9);
        assertEquals(limited, apiLog.rateLimitedCount(), "no 429 from the simulator (60 requests/s)");
        report("three instances, one token (budget 50, API limit 60)", 600, 0, 0, String.format(
                "shares %s requests/s; %.1f requests/s together, 0 × 429", rates(bridges), perSecond));
    }

    private static double totalRate(List<BridgeInstance> bridges) {
        return bridges.stream().mapToDouble(b -> limiter(b).currentRate()).sum();
    }

    private static String rates(List<BridgeInstance> bridges) {
        return bridges.stream().map(b -> String.format("%.1f", limiter(b).currentRate()))
                .collect(Collectors.joining(" + "));
    }

    private static ApiRateLimiter limiter(BridgeInstance bridge) {
        return bridge.bean("apiRateLimiter", ApiRateLimiter.class);
    }

    private static Set<String> ids(Collection<SimulatedTask> tasks) {
        Set<String> ids = new HashSet<>();
        tasks.forEach(task -> ids.add(task.id()));
        return ids;
    }

    private static void report(String scenario, int in, int out, int dead, String notes) {
        ReliabilityReport.line(scenario, in, out, dead, notes);
    }
}
