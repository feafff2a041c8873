package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.ExchangeHook;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.SimulatorAnswer;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's last resorts (issue 14, items 1–3): a record nothing can write as it is (too large for the producer's
 * {@code max.request.size} or the topic's {@code max.message.bytes}) is dead-lettered in a reduced form that always
 * fits, and its partition moves on; a task whose handling throws does not hold back the tasks batched with it.
 * Each writes a line to {@code target/reliability-report.txt}.
 */
class LastResortIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    @Override
    protected String topicPrefix() {
        return "last-resort";
    }

    @Test
    void inputRecordsTooLargeToCopyAreDeadLetteredReducedAndTheirPartitionMovesOn() throws Exception {
        // The input topic takes records up to 2 MiB; the bridge's producer sends at most 1 MiB (max.request.size).
        setTopicConfig(topics.in(), "max.message.bytes", String.valueOf(2 * MIB));
        SimulatedTask withHugeHeaders = api.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask behind = api.createTask(TaskScript.done(Duration.ZERO));
        byte[] hugeValue = "x".repeat(1_048_400).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            // All three on one partition, in this order: the valid record comes behind the two that cannot travel.
            producer.send(new ProducerRecord<>(topics.in(), 0, utf8("huge-invalid"), hugeValue)).get();
            ProducerRecord<byte[], byte[]> hugeHeaders = new ProducerRecord<>(topics.in(), 0, utf8("huge-headers"),
                    utf8(withHugeHeaders.id()));
            hugeHeaders.headers().add("x-blob", "h".repeat(1_048_300).getBytes(StandardCharsets.UTF_8));
            hugeHeaders.headers().add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
            producer.send(hugeHeaders).get();
            producer.send(new ProducerRecord<>(topics.in(), 0, utf8("behind"), utf8(behind.id()))).get();
        }
        startBridge(settings);

        Map<String, ConsumerRecord<String, byte[]>> dead = byKey(kafka.awaitRecords(topics.dlq(), 2, DEADLINE));
        kafka.awaitRecords(topics.out(), 1, DEADLINE);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);

        ConsumerRecord<String, byte[]> invalid = dead.get("huge-invalid");
        assertReduced(invalid, "0");
        assertTrue(Long.parseLong(header(invalid, "dreamina.original.size")) > 1_048_400, "the original size");
        ConsumerRecord<String, byte[]> headers = dead.get("huge-headers");
        assertReduced(headers, "1");
        assertEquals(withHugeHeaders.id(), header(headers, "dreamina.task.id"), "the task it named");
        assertTrue(Long.parseLong(header(headers, "dreamina.original.size")) > 1_048_300, "the original size");
        assertEquals(Set.of("huge-invalid", "huge-headers"),
                keys(kafka.readAll(topics.dlq(), Duration.ofMillis(300))), "each dead-lettered once");
        List<ConsumerRecord<String, byte[]>> out = kafka.readAll(topics.out(), Duration.ofMillis(300));
        assertEquals(Set.of(behind.id()), keys(out), "the valid record behind them completed, and only it");
        ReliabilityReport.line("input records too large to copy", 3, 1, 2, "a 1,048,400-byte invalid value and a "
                + "valid id with 1,048,300 bytes of headers (input topic 2 MiB, producer 1 MiB): each one reduced "
                + "dead letter record_too_large (" + invalid.serializedValueSize() + "-byte value, "
                + headerBytes(invalid) + " + " + headerBytes(headers) + " bytes of headers); the record behind "
                + "them completed; input offsets committed");
    }

    @Test
    void aFinishedTaskWhoseOutputAndDeadLetterAreBothTooLargeIsDeadLetteredReduced() throws Exception {
        setTopicConfig(topics.out(), "max.message.bytes", "200");
        setTopicConfig(topics.dlq(), "max.message.bytes", "20000");
        SimulatedTask large = api.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask small = api.createTask(TaskScript.done(Duration.ZERO));
        startBridge(settings);
        kafka.send(topics.in(), "large", utf8(large.id()), Map.of("x-blob", "h".repeat(50_000)));
        kafka.send(topics.in(), "small", utf8(small.id()));

        Map<String, ConsumerRecord<String, byte[]>> dead = byKey(kafka.awaitRecords(topics.dlq(), 2, DEADLINE));
        within(DEADLINE)
                .alias("the pending partitions move on")
                .until(() -> kafka.lag(topics.pendingGroup(), topics.pending()) == 0);
        ConsumerRecord<String, byte[]> reduced = dead.get("large");
        assertEquals("record_too_large", header(reduced, "dreamina.error.code"));
        assertEquals(0, reduced.value().length, "the value dropped");
        assertNull(header(reduced, "x-blob"), "the input's headers dropped");
        assertEquals(large.videoUrl(), header(reduced, "dreamina.video.url"), "the video is known");
        assertEquals(large.id(), header(reduced, "dreamina.task.id"));
        assertTrue(Long.parseLong(header(reduced, "dreamina.original.size")) > 50_000, "the original size");
        ConsumerRecord<String, byte[]> whole = dead.get("small");
        assertEquals("record_too_large", header(whole, "dreamina.error.code"));
        assertEquals(small.id(), new String(whole.value(), StandardCharsets.UTF_8), "a dead letter that fits: whole");
        assertEquals(2, kafka.readAll(topics.dlq(), Duration.ofMillis(300)).size(), "each once");
        ReliabilityReport.line("finished task whose output and dead letter are both too large", 2, 0, 2, "output "
                + "max.message.bytes 200, dead-letter 20000, input headers 50,000 bytes: dead letter reduced to "
                + (reduced.serializedKeySize() + reduced.serializedValueSize() + headerBytes(reduced))
                + " bytes with its video URL; the small one whole; pending offsets committed");
    }

    @Test
    void aTraceIdTaskWhoseDoneAnswerHasNoIdIsPublishedAndTheTasksBatchedWithItGoOn() throws Exception {
        String traceId = "trace-" + UUID.randomUUID();
        api.hook(apiLog.andThen(apiFaults).andThen(doneWithoutId(traceId)));
        List<SimulatedTask> healthy = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            healthy.add(api.createTask(TaskScript.done(Duration.ZERO)));
        }
        startBridge(settings);
        healthy.forEach(task -> kafka.send(topics.in(), task.id(), utf8(task.id())));
        kafka.send(topics.in(), "by-trace", utf8("{\"trace_id\":\"" + traceId + "\"}"));

        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), healthy.size() + 1, DEADLINE);
        Set<String> expected = healthy.stream().map(SimulatedTask::id).collect(Collectors.toSet());
        expected.add(traceId);
        assertEquals(expected, keys(out), "every task published; the trace-id task keyed by its trace id");
        ConsumerRecord<String, byte[]> byTrace = out.stream().filter(r -> traceId.equals(r.key())).findFirst()
                .orElseThrow();
        assertEquals(traceId, header(byTrace, "dreamina.trace.id"));
        assertNull(header(byTrace, "dreamina.task.id"), "no task id was ever known");
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        ReliabilityReport.line("a trace-id task answered done without an id", healthy.size() + 1, healthy.size() + 1, 0,
                "published keyed by its trace id; the 5 tasks batched with it published");
    }

    /** Answers a {@code retrieve} by {@code trace_id} with a finished task's detail that carries no {@code id}. */
    private static ExchangeHook doneWithoutId(String traceId) {
        ObjectMapper json = new ObjectMapper();
        return request -> {
            if (!"retrieve".equals(request.action()) || !traceId.equals(request.json().path("trace_id").asText())) {
                return null;
            }
            ObjectNode detail = json.createObjectNode().put("trace_id", traceId);
            ObjectNode response = detail.putObject("response").put("success", true).put("trace_id", traceId);
            response.putObject("data").put("status", "done").put("video_url", "https://cdn.example/" + traceId
                    + ".mp4");
            return SimulatorAnswer.json(200, detail);
        };
    }

    private void assertReduced(ConsumerRecord<String, byte[]> dead, String originOffset) {
        assertEquals("record_too_large", header(dead, "dreamina.error.code"));
        assertEquals(originOffset, header(dead, "dreamina.origin.offset"));
        assertEquals("0", header(dead, "dreamina.origin.partition"));
        assertEquals(topics.in(), header(dead, "dreamina.origin.topic"));
        assertEquals(0, dead.value().length, "the value dropped");
        assertNull(header(dead, "x-blob"), "the input's headers dropped");
        assertNull(header(dead, "traceparent"), "the input's headers dropped");
        assertTrue(headerBytes(dead) < 2_048, "a reduced dead letter is small: " + headerBytes(dead) + " bytes");
    }

    private void setTopicConfig(String topic, String key, String value) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** Raw bytes, and requests up to 2 MiB: the test writes records the bridge's own producer could not. */
    private static KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * MIB), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static int headerBytes(ConsumerRecord<?, ?> record) {
        int size = 0;
        for (var header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    private static Map<String, ConsumerRecord<String, byte[]>> byKey(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
