package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.camel.InputHeaderFilter;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest step against a real broker and the API simulator: a whole poll written at once with a failed write in
 * the middle, hostile input headers (issue 6 item 7) and binary keys (issue 6 item 8). Records are read back raw
 * (byte[] keys) so that keys can be compared byte for byte.
 */
class IngestIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The key of the record whose dead letter the dead-letter topic refuses: 1,024 bytes. */
    private static final String BIG_KEY = "big3-" + "k".repeat(1_019);
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private KafkaProducer<byte[], byte[]> producer;

    @Override
    protected String topicPrefix() {
        return "ingest";
    }

    /** Each test creates its topics as it needs them (one input partition, a dead-letter topic that refuses). */
    @Override
    protected boolean createsTopics() {
        return false;
    }

    /** A producer of raw bytes, so that keys and values reach the input topic byte for byte. */
    @BeforeEach
    void rawProducer() {
        producer = own(new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }

    // ------------------------------------------------------------------------------------------------ 9.2

    @Test
    void aFailedWriteInTheMiddleOfAPollHoldsTheOffsetThereAndNothingIsLostHeldBackOrWrittenTwice() throws Exception {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.out(), 3);
        try (Admin admin = admin()) {
            // The dead-letter topic refuses the one big record, in both its forms: as it is, and reduced (a reduced
            // dead letter keeps a key of up to 1 KiB: this one's 1,024-byte key does not fit 1,200 bytes either);
            // the small dead letters fit.
            admin.createTopics(List.of(new NewTopic(topics.dlq(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1200")))).all().get(30, TimeUnit.SECONDS);
            List<SimulatedTask> valid = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                valid.add(api.createTask(TaskScript.done(Duration.ZERO)));
            }
            byte[] big = "x".repeat(3_000).getBytes(StandardCharsets.UTF_8);
            // offsets 0..6: valid, invalid, valid, INVALID AND UNWRITABLE, valid, invalid, valid
            send("v0", utf8(valid.get(0).id()), Map.of());
            send("i1", utf8("not a task id!"), Map.of());
            send("v2", utf8(valid.get(1).id()), Map.of());
            send(BIG_KEY, big, Map.of());
            send("v4", utf8(valid.get(2).id()), Map.of());
            send("i5", utf8("{\"task_id\": 42}"), Map.of());
            send("v6", utf8(valid.get(3).id()), Map.of());

            LogRecorder log = own(LogRecorder.start());
            startBridge(settings);

            // The valid records and the writable dead letters are not held back by the unwritable one ...
            List<ConsumerRecord<byte[], byte[]>> outputs = awaitRaw(topics.out(), 4);
            List<ConsumerRecord<byte[], byte[]>> deadLetters = awaitRaw(topics.dlq(), 2);
            assertEquals(Set.of("i1", "i5"), keys(deadLetters));
            // ... while the input offset stays on it, through several failed attempts.
            within(DEADLINE)
                    .alias("repeated failed writes of the big dead letter")
                    .until(() -> log.countContaining("RecordTooLargeException") >= 3);
            within(DEADLINE)
                    .untilAsserted(() -> assertTrue(kafka.committedOffset(topics.group(), topics.in()) == 3,
                            () -> "the offset committed up to the failed record: "
                            + kafka.committedOffsets(topics.group(), topics.in())));
            long failedAttempts = log.countContaining("RecordTooLargeException");
            assertEquals(3, kafka.committedOffset(topics.group(), topics.in()), "held at the failed record");

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.dlq()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048576"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);

            awaitRaw(topics.dlq(), 3);
            within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);

            List<ConsumerRecord<byte[], byte[]>> pending = ingested(readRaw(topics.pending(), Duration.ofMillis(500)));
            outputs = readRaw(topics.out(), Duration.ofMillis(300));
            deadLetters = readRaw(topics.dlq(), Duration.ofMillis(300));
            assertEquals(List.of("v0", "v2", "v4", "v6"), sortedKeys(pending),
                    "one pending record per valid input: the records written after the failed one were not "
                            + "written again when it was read again");
            assertEquals(4, outputs.size(), "one output per valid input");
            assertEquals(List.of(BIG_KEY, "i1", "i5"), sortedKeys(deadLetters), "one dead letter per invalid input");
            assertArrayEquals(big, deadLetters.stream().filter(r -> BIG_KEY.equals(key(r))).findFirst()
                    .orElseThrow().value(), "the original bytes");
            report("failed write in the middle of an ingest poll: 7 records, the 4th refused by the dead-letter "
                    + "topic " + failedAttempts + " times: offset held at 3, the 4 valid records published and the "
                    + "2 other dead letters written meanwhile; after the fix 4 pending, 4 output, 3 dead letters, "
                    + "0 duplicates");
        }
    }

    @Test
    void aGracefulStopInTheMiddleOfIngestLosesNothingAndWritesNothingTwice() throws Exception {
        int n = 30_000;
        kafka.createTopic(topics.in(), 3);
        kafka.createTopic(topics.out(), 3);
        kafka.createTopic(topics.dlq(), 1);
        // Nothing is polled during the test: every pending record on the topic is one the ingest step wrote.
        settings.put("dreamina.poll.interval", "1h");
        settings.put("dreamina.poll.max-wait", "2h");
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sends.add(producer.send(new ProducerRecord<>(topics.in(), utf8("k" + i),
                    utf8(String.format(Locale.ROOT, "stop-test-%08d", i)))));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> send : sends) {
            send.get(30, TimeUnit.SECONDS);
        }

        BridgeInstance first = BridgeInstance.start(new HashMap<>(settings));
        try {
            within(DEADLINE)
                    .alias("ingest under way")
                    .until(() -> kafka.committedOffset(topics.group(), topics.in()) > 0);
        } finally {
            first.close();
        }
        long committedAtStop = kafka.committedOffset(topics.group(), topics.in());
        long writtenAtStop = ingested(readRaw(topics.pending(), Duration.ofMillis(300))).size();
        assertEquals(committedAtStop, writtenAtStop, "a graceful stop commits exactly what it wrote");

        startBridge(settings);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        List<ConsumerRecord<byte[], byte[]>> pending = ingested(readRaw(topics.pending(), Duration.ofMillis(500)));
        Set<String> keys = keys(pending);
        assertEquals(n, keys.size(), "every input record on the pending topic");
        assertEquals(n, pending.size(), "none twice");
        report("graceful stop in the middle of ingest: " + n + " records, stopped with " + committedAtStop
                + " committed and " + writtenAtStop + " on the pending topic; after the restart " + pending.size()
                + " pending records, " + keys.size() + " distinct keys"
                + (committedAtStop < n ? "" : " (NOTE: ingest had finished before the stop)"));
    }

    // ------------------------------------------------------------------------------------------------ 6.7

    @Test
    void forgedSchedulingHeadersInAnyLetterCaseDoNotChangeWhenATaskIsPolledOrGivenUp() throws Exception {
        createTopics();
        settings.put("dreamina.poll.max-wait", "3s");
        SimulatedTask never = api.createTask(TaskScript.never());
        startBridge(settings);
        long requestsBefore = apiLog.requestCount();
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("DREAMINA.PENDING.DUE", "0");
        forged.put("dreamina.pending.due", "0");
        forged.put("Dreamina.Pending.Deadline", String.valueOf(Long.MAX_VALUE));
        forged.put("dreamina.pending.DEADLINE", String.valueOf(Long.MAX_VALUE));
        forged.put("DREAMINA.pending.polls", "-1000");
        forged.put("traceparent", TRACEPARENT);
        long sentAt = System.nanoTime();
        send("never", utf8(never.id()), forged);

        ConsumerRecord<byte[], byte[]> dead = awaitRaw(topics.dlq(), 1).get(0);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
        long requests = apiLog.requestCount() - requestsBefore;
        assertEquals("poll_timeout", header(dead, "dreamina.error.code"));
        assertTrue(elapsedMs >= 2_500 && elapsedMs <= 10_000, "dead-lettered after max-wait 3 s: " + elapsedMs + " ms");
        // max-wait / interval = 15 polls; the forged due time made it thousands.
        assertTrue(requests <= 40, "polled at the normal cadence: " + requests + " requests in " + elapsedMs + " ms");
        assertEquals(TRACEPARENT, header(dead, "traceparent"), "an ordinary header travels to the dead letter");
        assertOnlyTheBridgesOwn(dead);

        ConsumerRecord<byte[], byte[]> firstPending = ingested(readRaw(topics.pending(), Duration.ofMillis(300))).get(0);
        assertOnlyTheBridgesOwn(firstPending);
        long due = Long.parseLong(header(firstPending, "dreamina.pending.due"));
        long deadline = Long.parseLong(header(firstPending, "dreamina.pending.deadline"));
        assertEquals(3_000 - 200, deadline - due, "due after one interval, deadline after max-wait");
        assertEquals("0", header(firstPending, "dreamina.pending.polls"));
        report("forged dreamina.pending.* headers (5 letter cases): " + requests + " API requests, poll_timeout after "
                + elapsedMs + " ms (max-wait 3 s, interval 200 ms)");
    }

    @Test
    void forgedBridgeHeadersNeverReachTheOutputOrADeadLetterAndOrdinaryHeadersTravel() throws Exception {
        createTopics();
        SimulatedTask done = api.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask failed = api.createTask(TaskScript.failed("failed", Duration.ZERO));
        startBridge(settings);
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("dreamina.error.code", "forged");
        forged.put("DREAMINA.ERROR.CODE", "forged");
        forged.put("dreamina.task.id", "forged-id");
        forged.put("Dreamina.Trace.Id", "forged-trace");
        forged.put("dreamina.video.url", "https://forged.example/v.mp4");
        forged.put("DREAMINA.STATUS", "failed");
        forged.put("dreamina.origin.topic", "forged-topic");
        forged.put("traceparent", TRACEPARENT);
        send("done", utf8(done.id()), forged);
        send("failed", utf8(failed.id()), forged);
        send("invalid", utf8("not a task id!"), forged);

        ConsumerRecord<byte[], byte[]> output = awaitRaw(topics.out(), 1).get(0);
        Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = awaitRaw(topics.dlq(), 2).stream()
                .collect(Collectors.toMap(IngestIT::key, r -> r));

        assertEquals(done.id(), header(output, "dreamina.task.id"));
        assertEquals(done.traceId(), header(output, "dreamina.trace.id"));
        assertEquals(done.videoUrl(), header(output, "dreamina.video.url"));
        assertEquals("done", header(output, "dreamina.status"));
        assertEquals(null, header(output, "dreamina.error.code"));
        assertEquals(TRACEPARENT, header(output, "traceparent"));
        assertOnlyTheBridgesOwn(output);

        ConsumerRecord<byte[], byte[]> taskFailed = deadLetters.get("failed");
        assertEquals("task_failed", header(taskFailed, "dreamina.error.code"));
        assertEquals(failed.id(), header(taskFailed, "dreamina.task.id"));
        assertEquals(topics.in(), header(taskFailed, "dreamina.origin.topic"));
        assertEquals(TRACEPARENT, header(taskFailed, "traceparent"));
        assertOnlyTheBridgesOwn(taskFailed);

        ConsumerRecord<byte[], byte[]> invalid = deadLetters.get("invalid");
        assertEquals("invalid_input", header(invalid, "dreamina.error.code"));
        assertEquals(null, header(invalid, "dreamina.task.id"));
        assertEquals(topics.in(), header(invalid, "dreamina.origin.topic"));
        assertEquals(TRACEPARENT, header(invalid, "traceparent"));
        assertOnlyTheBridgesOwn(invalid);
    }

    @Test
    void forgedProducerHeadersNeitherRedirectNorRekeyAnyWrite() throws Exception {
        createTopics();
        String elsewhere = topics.prefix() + ".elsewhere";
        kafka.createTopic(elsewhere, 3);
        SimulatedTask done = api.createTask(TaskScript.done(Duration.ZERO));
        startBridge(settings);
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("CamelKafkaOverrideTopic", elsewhere);
        forged.put("CAMELKAFKAOVERRIDETOPIC", elsewhere);
        forged.put("kafka.OVERRIDE_TOPIC", elsewhere);
        forged.put("KAFKA.OVERRIDE_TOPIC", elsewhere);
        forged.put("CamelKafkaKey", "forged-key");
        forged.put("CamelKafkaPartition", "2");
        forged.put("CamelKafkaPartitionKey", "2");
        forged.put("kafka.OFFSET", "0");
        send("done", utf8(done.id()), forged);
        send("invalid", utf8("not a task id!"), forged);

        ConsumerRecord<byte[], byte[]> output = awaitRaw(topics.out(), 1).get(0);
        ConsumerRecord<byte[], byte[]> dead = awaitRaw(topics.dlq(), 1).get(0);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);

        assertEquals(done.id(), header(output, "dreamina.task.id"));
        assertEquals("invalid", key(dead), "the dead letter keeps the input key");
        assertEquals("0", header(dead, "dreamina.origin.partition"));
        assertEquals("1", header(dead, "dreamina.origin.offset"));
        assertEquals(List.of("done"), sortedKeys(ingested(readRaw(topics.pending(), Duration.ofMillis(300)))),
                "the pending record keeps the input key");
        assertEquals(0, readRaw(elsewhere, Duration.ofMillis(500)).size(), "no record redirected");
        assertOnlyTheBridgesOwn(output);
        assertOnlyTheBridgesOwn(dead);
        for (ConsumerRecord<byte[], byte[]> record : List.of(output, dead)) {
            for (Header h : record.headers()) {
                assertTrue(!h.key().toLowerCase(Locale.ROOT).startsWith("camel")
                        && !h.key().toLowerCase(Locale.ROOT).startsWith("kafka."), "header " + h.key());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ 6.8

    @Test
    void aKeyThatIsNotUtf8StaysByteExactOnThePendingRecordAndOnTheDeadLetter() throws Exception {
        createTopics();
        SimulatedTask task = api.createTask(TaskScript.never());
        BridgeInstance bridge = startBridge(settings);
        KafkaConfiguration kafkaSettings = bridge.context().getComponent("kafka", KafkaComponent.class)
                .getConfiguration();
        assertEquals(ByteArrayDeserializer.class.getName(), kafkaSettings.getKeyDeserializer());
        assertEquals(ByteArraySerializer.class.getName(), kafkaSettings.getKeySerializer());
        assertInstanceOf(InputHeaderFilter.class, kafkaSettings.getHeaderFilterStrategy(),
                "the kafka component filters input headers case-insensitively");
        // The ingest step's own producer (RecordBatchWriter), as the Kafka client reads its settings.
        ProducerConfig writer = new ProducerConfig(new KafkaClients(bridge.context()).producerProperties());
        assertTrue(writer.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "idempotent writes");
        assertTrue(Set.of("all", "-1").contains(writer.getString(ProducerConfig.ACKS_CONFIG)), "acks=all");
        assertEquals(ByteArraySerializer.class, writer.getClass(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG));
        byte[] validKey = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x00};
        byte[] invalidKey = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x01};
        producer.send(new ProducerRecord<>(topics.in(), validKey, utf8(task.id()))).get(30, TimeUnit.SECONDS);
        producer.send(new ProducerRecord<>(topics.in(), invalidKey, utf8("not a task id!"))).get(30, TimeUnit.SECONDS);

        ConsumerRecord<byte[], byte[]> dead = awaitRaw(topics.dlq(), 1).get(0);
        ConsumerRecord<byte[], byte[]> pending = awaitIngested();

        assertArrayEquals(invalidKey, dead.key(), "dead letter of the invalid input");
        assertEquals("invalid_input", header(dead, "dreamina.error.code"));
        assertArrayEquals(validKey, pending.key(), "pending record of the valid input");
        assertEquals(task.id(), header(pending, "dreamina.task.id"));
    }

    @Test
    void anInputWithoutKeyIsKeyedByTheTaskIdsUtf8Bytes() throws Exception {
        createTopics();
        SimulatedTask task = api.createTask(TaskScript.never());
        startBridge(settings);
        producer.send(new ProducerRecord<>(topics.in(), null, utf8(task.id()))).get(30, TimeUnit.SECONDS);

        ConsumerRecord<byte[], byte[]> pending = awaitIngested();
        assertArrayEquals(utf8(task.id()), pending.key());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void createTopics() {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.out(), 3);
        kafka.createTopic(topics.dlq(), 1);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private void send(String key, byte[] value, Map<String, String> headers) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.in(), utf8(key), value);
        headers.forEach((name, v) -> record.headers().add(name, utf8(v)));
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /**
     * Names of the bridge's own headers ({@code dreamina.*}) appear at most once each, in exactly their own letter
     * case: no forged copy in another case sits beside them.
     */
    private static void assertOnlyTheBridgesOwn(ConsumerRecord<byte[], byte[]> record) {
        List<String> bridge = new ArrayList<>();
        for (Header h : record.headers()) {
            if (h.key().toLowerCase(Locale.ROOT).startsWith("dreamina.")) {
                bridge.add(h.key());
                assertEquals(h.key().toLowerCase(Locale.ROOT), h.key(), "a dreamina header in another case");
                assertTrue(h.value() == null || !new String(h.value(), StandardCharsets.UTF_8).contains("forged"),
                        "forged value in " + h.key());
            }
        }
        assertEquals(new TreeSet<>(bridge).size(), bridge.size(), "each bridge header once: " + bridge);
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitRaw(String topic, int count) {
        return within(DEADLINE)
                .alias(count + " record(s) on " + topic)
                .until(() -> readRaw(topic, Duration.ofMillis(100)), found -> found.size() >= count);
    }

    /**
     * The pending records the ingest step wrote (never polled yet), not the ones the poll path writes back for a task
     * that is not finished.
     */
    private static List<ConsumerRecord<byte[], byte[]>> ingested(List<ConsumerRecord<byte[], byte[]>> pending) {
        return pending.stream().filter(r -> "0".equals(header(r, "dreamina.pending.polls"))).toList();
    }

    private ConsumerRecord<byte[], byte[]> awaitIngested() {
        return within(DEADLINE)
                .alias("an ingested record on " + topics.pending())
                .until(() -> ingested(readRaw(topics.pending(), Duration.ofMillis(100))),
                        found -> !found.isEmpty()).get(0);
    }

    /** Everything on {@code topic} (byte[] keys), read from the beginning until nothing arrives for {@code quiet}. */
    private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, Duration quiet) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return records;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            while (true) {
                int before = records.size();
                consumer.poll(quiet).forEach(records::add);
                if (records.size() == before) {
                    return records;
                }
            }
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
            return records;
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(IngestIT::key).collect(Collectors.toSet());
    }

    private static List<String> sortedKeys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(IngestIT::key).sorted().toList();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertNotNull(record);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void report(String line) {
        System.out.println("[IngestIT] " + line);
    }
}
