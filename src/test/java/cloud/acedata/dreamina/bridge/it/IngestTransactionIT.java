package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest hop under exactly-once (issue 13 item 2), against the real broker: a poll's pending records and dead
 * letters committed with its input offsets in one transaction; a record too large for its topic dead-lettered in
 * its reduced form with at most one abort; and a restarted instance aborting at once what its predecessor's
 * producer of the same transactional id left open. Every read is {@code read_committed} ({@link KafkaTestClient}).
 * The poll path is kept out of the way (poll interval 1 h): every pending record read is one the ingest step wrote.
 */
class IngestTransactionIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final String ABORTED = "Ingest transaction aborted";

    @Override
    protected String topicPrefix() {
        return "eos-ingest";
    }

    @Override
    protected boolean createsTopics() {
        return false;
    }

    @Test
    void aPollsPendingRecordsAndDeadLettersAreCommittedTogetherWithItsInputOffsets() throws Exception {
        kafka.createTopic(topics.in(), 3);
        kafka.createTopic(topics.dlq(), 1);
        quietPollPath();
        int valid = 40;
        int invalid = 10;
        for (int i = 0; i < valid; i++) {
            kafka.send(topics.in(), "v" + i, utf8(api.createTask(TaskScript.never()).id()));
        }
        for (int i = 0; i < invalid; i++) {
            kafka.send(topics.in(), "i" + i, utf8("not a task id " + i + "!"));
        }
        LogRecorder log = own(LogRecorder.start());
        startBridge(settings);

        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        List<ConsumerRecord<String, byte[]>> pending = kafka.readAll(topics.pending(), QUIET);
        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.readAll(topics.dlq(), QUIET);

        assertEquals(valid, pending.size(), "one pending record per valid input, none twice");
        assertEquals(invalid, deadLetters.size(), "one dead letter per invalid input");
        assertTrue(deadLetters.stream().allMatch(r -> "invalid_input".equals(
                KafkaTestClient.header(r, "dreamina.error.code"))));
        assertEquals(kafka.endOffsets(topics.in()), kafka.committedOffsets(topics.group(), topics.in()),
                "every input offset committed");
        // Written in transactions: each ends with a commit marker, which takes an offset of its own.
        long pendingEnd = kafka.endOffsets(topics.pending()).values().stream().mapToLong(Long::longValue).sum();
        long deadLetterEnd = kafka.endOffsets(topics.dlq()).values().stream().mapToLong(Long::longValue).sum();
        assertTrue(pendingEnd > valid && deadLetterEnd > invalid, "transaction markers after the records: pending end "
                + pendingEnd + ", dead-letter end " + deadLetterEnd);
        assertEquals(0, aborts(log), "nothing aborted");
        report("a poll's records and offsets in one transaction: " + valid + " valid and " + invalid + " invalid on 3 "
                + "partitions; read_committed: " + pending.size() + " pending, " + deadLetters.size()
                + " dead letters, input lag 0; pending topic end offsets " + pendingEnd + " (markers)");
    }

    @Test
    void aDeadLetterTooLargeForItsTopicIsWrittenReducedAndTheRestOfThePollGoesOnWithOneAbort() throws Exception {
        kafka.createTopic(topics.in(), 1);
        createTopic(topics.dlq(), 1, Map.of("max.message.bytes", "3000"));
        quietPollPath();
        SimulatedTask first = api.createTask(TaskScript.never());
        SimulatedTask second = api.createTask(TaskScript.never());
        byte[] big = ("{\"note\":\"" + "x".repeat(8_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        kafka.send(topics.in(), "v0", utf8(first.id()));
        kafka.send(topics.in(), "big", big);
        kafka.send(topics.in(), "v2", utf8(second.id()));
        kafka.send(topics.in(), "i3", utf8("not a task id!"));
        LogRecorder log = own(LogRecorder.start());
        startBridge(settings);

        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        Map<String, ConsumerRecord<String, byte[]>> deadLetters = kafka.readAll(topics.dlq(), QUIET).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        List<ConsumerRecord<String, byte[]>> pending = kafka.readAll(topics.pending(), QUIET);

        assertEquals(Set.of("big", "i3"), deadLetters.keySet(), "one dead letter each, none twice");
        ConsumerRecord<String, byte[]> reduced = deadLetters.get("big");
        assertEquals("record_too_large", KafkaTestClient.header(reduced, "dreamina.error.code"));
        assertEquals(0, reduced.value().length, "the reduced form: the value dropped");
        assertEquals("1", KafkaTestClient.header(reduced, "dreamina.origin.offset"));
        assertEquals("invalid_input", KafkaTestClient.header(deadLetters.get("i3"), "dreamina.error.code"));
        assertEquals(List.of("v0", "v2"), pending.stream().map(ConsumerRecord::key).sorted().toList());
        long aborts = aborts(log);
        assertTrue(aborts <= 1, "at most one abort (the broker's first refusal teaches the topic's limit): " + aborts);
        report("a dead letter too large for its topic (max.message.bytes 3000, value " + big.length + " bytes): "
                + "written reduced, the 3 other records of the poll with it, " + aborts + " abort(s)");
    }

    @Test
    void aPendingRecordTooLargeForThePendingTopicIsDeadLetteredReducedWithOneAbort() throws Exception {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.dlq(), 1);
        createTopic(topics.pending(), 3, Map.of("max.message.bytes", "3000"));
        quietPollPath();
        SimulatedTask large = api.createTask(TaskScript.never());
        SimulatedTask small = api.createTask(TaskScript.never());
        kafka.send(topics.in(), "large", utf8(large.id()), Map.of("x-bulk", "b".repeat(6_000)));
        kafka.send(topics.in(), "small", utf8(small.id()));
        LogRecorder log = own(LogRecorder.start());
        startBridge(settings);

        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.readAll(topics.dlq(), QUIET);
        List<ConsumerRecord<String, byte[]>> pending = kafka.readAll(topics.pending(), QUIET);

        assertEquals(List.of("large"), deadLetters.stream().map(ConsumerRecord::key).toList());
        assertEquals("record_too_large", KafkaTestClient.header(deadLetters.get(0), "dreamina.error.code"));
        assertEquals(large.id(), KafkaTestClient.header(deadLetters.get(0), "dreamina.task.id"));
        assertEquals(List.of("small"), pending.stream().map(ConsumerRecord::key).toList());
        assertTrue(aborts(log) <= 1, "at most one abort: " + aborts(log));
    }

    @Test
    void aRecordThatFitsInNoFormHoldsItsPartitionTheRecordsBehindItAreWrittenOnceAndItLandsWholeOnceItFits()
            throws Exception {
        kafka.createTopic(topics.in(), 1);
        // Too small for the dead letter of the big record in both its forms (the reduced one is some 600 bytes).
        createTopic(topics.dlq(), 1, Map.of("max.message.bytes", "300"));
        quietPollPath();
        startBridge(settings);
        byte[] big = ("{\"note\":\"" + "x".repeat(1_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        kafka.send(topics.in(), "big", big);
        kafka.send(topics.in(), "v1", utf8(api.createTask(TaskScript.never()).id()));
        kafka.send(topics.in(), "v2", utf8(api.createTask(TaskScript.never()).id()));

        // The records behind the held one are written (once) while it holds the partition's offset.
        List<ConsumerRecord<String, byte[]>> pending = kafka.awaitRecords(topics.pending(), 2, DEADLINE);
        assertEquals(List.of("v1", "v2"), pending.stream().map(ConsumerRecord::key).sorted().toList());
        assertEquals(Map.of(new TopicPartition(topics.in(), 0), 0L),
                kafka.committedOffsets(topics.group(), topics.in()), "held at the big record");
        OffsetAndMetadataView held = heldMetadata();
        assertTrue(held.metadata().startsWith("ingest-written:"), "the records behind it named: " + held);
        assertEquals(0, kafka.readAll(topics.dlq(), Duration.ofMillis(200)).size(), "nothing dead-lettered yet");

        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.dlq()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048576"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);

        assertEquals("big", dead.key());
        assertArrayEquals(big, dead.value(), "the whole record, now that it fits");
        assertEquals("invalid_input", KafkaTestClient.header(dead, "dreamina.error.code"));
        assertEquals(2, kafka.readAll(topics.pending(), QUIET).size(), "the records behind it not written twice");
        assertEquals(1, kafka.readAll(topics.dlq(), QUIET).size());
        report("a record that fits in no form (dead-letter topic 300 bytes): offset held at it, the 2 records behind "
                + "it written once (commit metadata '" + held.metadata() + "'); the limit raised: the whole record "
                + "dead-lettered, input lag 0, nothing twice");
    }

    /** The ingest group's commit of the input's partition 0 as the broker has it. */
    private OffsetAndMetadataView heldMetadata() throws Exception {
        try (Admin admin = admin()) {
            var commit = admin.listConsumerGroupOffsets(topics.group()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topics.in(), 0));
            return new OffsetAndMetadataView(commit.offset(), commit.metadata());
        }
    }

    private record OffsetAndMetadataView(long offset, String metadata) {
    }

    @Test
    void aRestartedInstanceAbortsAtOnceWhatItsPredecessorLeftOpen() throws Exception {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.dlq(), 1);
        kafka.createTopic(topics.pending(), 3);
        quietPollPath();
        String instance = "eos-it-" + KafkaTestClient.uniqueName("i");
        settings.put("dreamina.instance.id", instance);
        settings.put("dreamina.ingest.consumers", "1");
        // Longer than the test's deadline: only the restart's fencing can release the predecessor's transaction.
        settings.put("dreamina.delivery.transaction-timeout", "15m");
        String transactionalId = topics.group() + "." + instance + ".ingest-0";

        // The predecessor: the same transactional id, a transaction left open with a record in every pending
        // partition (a crash): whatever the bridge writes lands behind it.
        KafkaProducer<String, byte[]> predecessor = own(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(15).toMillis()),
                new StringSerializer(), new ByteArraySerializer()));
        predecessor.initTransactions();
        predecessor.beginTransaction();
        for (int partition = 0; partition < 3; partition++) {
            predecessor.send(new ProducerRecord<>(topics.pending(), partition, "ghost", utf8("left open")))
                    .get(30, TimeUnit.SECONDS);
        }

        SimulatedTask task = api.createTask(TaskScript.never());
        kafka.send(topics.in(), "after-restart", utf8(task.id()));
        long started = System.nanoTime();
        startBridge(settings);

        List<ConsumerRecord<String, byte[]>> pending = kafka.awaitRecords(topics.pending(), 1, DEADLINE);
        long visibleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        pending = kafka.readAll(topics.pending(), QUIET);

        assertEquals(List.of("after-restart"), pending.stream().map(ConsumerRecord::key).toList(),
                "the predecessor's record never visible to read_committed");
        KafkaException fenced = assertThrows(KafkaException.class, predecessor::commitTransaction);
        assertTrue(KafkaTransaction.isFenced(fenced), "the predecessor is fenced: " + fenced);
        report("restart with the same transactional id (" + transactionalId + "): the predecessor's open transaction "
                + "(timeout 15 min) aborted at the start; the new record visible " + visibleMs + " ms after the start");
    }

    /** The aborts the ingest step logged (one line each; the error policy's lines about the same failure not counted). */
    private static long aborts(LogRecorder log) {
        return log.count(entry -> entry.logger().endsWith("TransactionalIngest") && entry.contains(ABORTED));
    }

    /** Nothing is polled during the test: the pending topic holds only what the ingest step wrote. */
    private void quietPollPath() {
        settings.put("dreamina.poll.interval", "1h");
        settings.put("dreamina.poll.max-wait", "2h");
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()));
    }

    private static void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void report(String line) {
        System.out.println("[IngestTransactionIT] " + line);
    }
}
