package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly once on the poll path (issue 13), end to end with the real broker: a write the broker refuses aborts the
 * transaction and everything in it is handled again, yet a read_committed consumer sees each outcome once; a bridge
 * whose transactional id is taken over by a newer instance stops (exit 70) instead of writing on; partitions moving
 * between instances under API latency (scale-out, then a graceful scale-in) publish each task once.
 */
class ExactlyOnceIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern DONE_LINE = Pattern.compile("Task \\S+ done: ");

    @Override
    protected String topicPrefix() {
        return "eos";
    }

    @Test
    void aWriteTheBrokerRefusesAbortsTheTransactionAndEachOutcomeIsStillReadOnce() throws Exception {
        EmbeddedKafka broker = own(EmbeddedKafka.start(Map.of("auto.create.topics.enable", "false")));
        KafkaTestClient dedicated = own(new KafkaTestClient(broker.bootstrapServers()));
        dedicated.createTopic(topics.in(), 1);
        dedicated.createTopic(topics.out(), 1);
        Map<String, String> s = new HashMap<>(settings);
        s.put("camel.component.kafka.brokers", broker.bootstrapServers());
        s.put("camel.component.kafka.max-block-ms", "1000");
        s.put("dreamina.kafka.write-retries", "0");
        s.put("dreamina.poll.error-pause", "300ms");
        LogRecorder log = own(LogRecorder.start());
        List<SimulatedTask> done = new ArrayList<>();
        List<SimulatedTask> failed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            done.add(api.createTask(TaskScript.done(Duration.ofMillis(300))));
        }
        for (int i = 0; i < 3; i++) {
            failed.add(api.createTask(TaskScript.failed(Duration.ofMillis(300))));
        }
        startBridge(s);
        // The dead-letter topic does not exist yet: every transaction holding a dead letter fails and is aborted.
        done.forEach(task -> dedicated.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        failed.forEach(task -> dedicated.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        within(DEADLINE).alias("transactions aborted").until(() -> log.countContaining("Transaction aborted") >= 2);

        dedicated.createTopic(topics.dlq(), 1);
        List<ConsumerRecord<String, byte[]>> dead = dedicated.awaitRecords(topics.dlq(), failed.size(), DEADLINE);
        List<ConsumerRecord<String, byte[]>> out = dedicated.awaitRecords(topics.out(), done.size(), DEADLINE);
        within(DEADLINE).alias("pending offsets committed to the end")
                .until(() -> dedicated.lag(topics.pendingGroup(), topics.pending()) == 0);

        assertEquals(keys(done), sortedKeys(dedicated.readAll(topics.out(), Duration.ofSeconds(1))),
                "each finished task once for a read_committed consumer");
        assertEquals(keys(failed), sortedKeys(dedicated.readAll(topics.dlq(), Duration.ofMillis(500))),
                "each failed task dead-lettered once");
        long aborts = log.countContaining("Transaction aborted");
        int uncommitted = readUncommitted(broker.bootstrapServers(), topics.out());
        assertTrue(uncommitted >= out.size(), "a read_uncommitted consumer sees the aborted records too: "
                + uncommitted);
        ReliabilityReport.line("exactly-once: the dead-letter topic missing, auto-creation off", done.size()
                + failed.size(), out.size(), dead.size(), aborts + " transactions aborted and rewound while the "
                + "topic was missing; then each outcome once for read_committed (a read_uncommitted consumer read "
                + uncommitted + " output records)");
    }

    @Test
    void aBridgeWhoseTransactionalIdANewerInstanceTookStopsAndItsSuccessorFinishesEverything() throws Exception {
        Map<String, String> env = BridgeProcess.connectedEnvironment(api.baseUrl(), TOKEN, topics);
        env.put("DREAMINA_INSTANCE_ID", "fenced");
        env.put("DREAMINA_LOG_TASK_DONE_LEVEL", "INFO");
        env.put("DREAMINA_POLL_INTERVAL", "300ms");
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(200L * (i % 20)))));
        }
        BridgeProcess first = own(BridgeProcess.start(Path.of("").toAbsolutePath(), env));
        first.awaitStarted(DEADLINE);
        List<SimulatedTask> before = tasks.subList(0, 30);
        before.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        kafka.awaitRecords(topics.out(), before.size(), DEADLINE);
        within(DEADLINE).alias("the bridge idle: everything committed")
                .until(() -> kafka.lag(topics.pendingGroup(), topics.pending()) == 0);

        // A newer producer with the bridge's pending transactional id: the broker fences the bridge's, which learns
        // it at its next transaction (a fenced producer that writes nothing harms nobody). Registered while the
        // bridge is idle: a registration racing the bridge's own commit made the broker (4.3.1) answer that commit
        // with an unexpected server error instead of a fencing, which the bridge takes as a failed run and restarts.
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.group() + ".fenced.pending");
        try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            newer.initTransactions();
        }
        tasks.subList(30, tasks.size())
                .forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        int exit = first.waitForExit(DEADLINE);
        assertEquals(70, exit, "the fenced bridge stops (exit 70)\n" + first.tail());
        assertTrue(first.log().contains("fenced by a newer one with the same id"), first.tail());

        BridgeProcess successor = own(BridgeProcess.start(Path.of("").toAbsolutePath(), env));
        successor.awaitStarted(DEADLINE);
        kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        List<ConsumerRecord<String, byte[]>> out = kafka.readAll(topics.out(), Duration.ofSeconds(1));
        assertEquals(keys(tasks), sortedKeys(out), "each task once, whoever published it");
        int successorExit = successor.terminate(DEADLINE);
        assertTrue(successorExit == 0 || successorExit == 143, "the successor stops gracefully: " + successorExit);
        ReliabilityReport.line("exactly-once: transactional id taken by a newer instance", tasks.size(), out.size(),
                0, "the fenced bridge exited 70 after " + first.count(DONE_LINE) + " outputs; its successor finished; "
                        + "0 duplicates");
    }

    @Test
    void scaleOutThenAGracefulScaleInUnderApiLatencyPublishEachTaskOnce() throws Exception {
        api.latency(Duration.ofMillis(300));
        settings.put("dreamina.topic.pending.partitions", "6");
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(10L * i))));
        }
        BridgeInstance a = startBridge(settings);
        tasks.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));
        within(DEADLINE).alias("some tasks out").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        BridgeInstance b = startBridge(settings);
        kafka.awaitRecords(topics.out(), 100, DEADLINE);
        a.close(); // graceful scale-in: the revocation commits what is finished, b takes over the rest
        kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        List<ConsumerRecord<String, byte[]>> out = kafka.readAll(topics.out(), Duration.ofSeconds(1));
        assertEquals(keys(tasks), sortedKeys(out), "each task once: no loss, no duplicate");
        assertTrue(b.context().isStarted());
        ReliabilityReport.line("exactly-once: scale-out then graceful scale-in, 300 ms API latency", tasks.size(),
                out.size(), 0, "second instance joined mid-flight, first stopped mid-flight; 0 duplicates");
    }

    private static List<String> keys(List<SimulatedTask> tasks) {
        return tasks.stream().map(SimulatedTask::id).sorted().collect(Collectors.toList());
    }

    private static List<String> sortedKeys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).sorted().collect(Collectors.toList());
    }

    /** Every record of {@code topic} a read_uncommitted consumer sees, aborted ones included. */
    private static int readUncommitted(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }
}
