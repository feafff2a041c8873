package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIntakeTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final String TASK_ID = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";
    private static final byte[] NOT_UTF8_KEY = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x00};

    private final TaskIntake intake = new TaskIntake(new TaskReferenceParser(), Duration.ofSeconds(5),
            Duration.ofMinutes(15), Clock.fixed(NOW, ZoneOffset.UTC), "pending", "dlq");

    /** A record as the input consumer reads it: partition 3, offset 4242. */
    private static ConsumerRecord<byte[], byte[]> input(byte[] key, byte[] value, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, v) -> recordHeaders.add(name, v.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>("dreamina.tasks", 3, 4242L, ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, key, value,
                recordHeaders, Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> input(String key, String value) {
        return input(key == null ? null : utf8(key), value == null ? null : utf8(value), Map.of());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every header name, in order. */
    private static List<String> names(ProducerRecord<?, ?> record) {
        List<String> names = new ArrayList<>();
        record.headers().forEach(h -> names.add(h.key()));
        return names;
    }

    private static void assertOrigin(ProducerRecord<?, ?> record) {
        assertEquals("dreamina.tasks", header(record, BridgeHeaders.ORIGIN_TOPIC));
        assertEquals("3", header(record, BridgeHeaders.ORIGIN_PARTITION));
        assertEquals("4242", header(record, BridgeHeaders.ORIGIN_OFFSET));
    }

    @Test
    void aBareTaskIdBecomesAPendingRecordKeyedByTheTaskIdWithOriginAndSchedulingHeaders() {
        ConsumerRecord<byte[], byte[]> in = input(null, TASK_ID);

        TaskIntake.Intake read = intake.read(in);

        ProducerRecord<byte[], byte[]> out = read.record();
        assertFalse(read.deadLetter());
        assertEquals("pending", out.topic());
        assertNull(out.partition());
        assertArrayEquals(utf8(TASK_ID), out.key());
        assertSame(in.value(), out.value(), "the value byte for byte");
        assertOrigin(out);
        assertEquals(TASK_ID, header(out, BridgeHeaders.TASK_ID));
        assertNull(header(out, BridgeHeaders.TRACE_ID));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 5_000), header(out, BridgeHeaders.PENDING_DUE));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 900_000), header(out, BridgeHeaders.PENDING_DEADLINE));
        assertEquals("0", header(out, BridgeHeaders.PENDING_POLLS));
        assertEquals(TASK_ID, read.task().taskId());
    }

    @Test
    void theGenerationAnswerGivesTaskAndTraceIds() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(null, "{\"success\":true,\"task_id\":\"" + TASK_ID
                + "\",\"trace_id\":\"tr-1\",\"data\":[]}")).record();

        assertEquals(TASK_ID, header(out, BridgeHeaders.TASK_ID));
        assertEquals("tr-1", header(out, BridgeHeaders.TRACE_ID));
        assertArrayEquals(utf8(TASK_ID), out.key());
    }

    @Test
    void aTraceOnlyInputIsKeyedByItsTraceId() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(null, "{\"trace_id\":\"tr-only\"}")).record();

        assertNull(header(out, BridgeHeaders.TASK_ID));
        assertEquals("tr-only", header(out, BridgeHeaders.TRACE_ID));
        assertArrayEquals(utf8("tr-only"), out.key());
    }

    @Test
    void theInputKeyIsKeptByteForByteEvenWhenItIsNotUtf8() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(NOT_UTF8_KEY.clone(), utf8(TASK_ID), Map.of()))
                .record();

        assertEquals("pending", out.topic());
        assertArrayEquals(NOT_UTF8_KEY, out.key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a task id!", "{\"success\":false,\"error\":{\"code\":\"bad_request\"}}",
            "{\"model\":\"x\"}", "{\"id\":", "[\"" + TASK_ID + "\"]"})
    void invalidInputBecomesADeadLetterWithTheOriginalBytesAndTheReason(String value) {
        ConsumerRecord<byte[], byte[]> in = input(NOT_UTF8_KEY.clone(), utf8(value), Map.of());

        TaskIntake.Intake read = intake.read(in);

        ProducerRecord<byte[], byte[]> out = read.record();
        assertTrue(read.deadLetter());
        assertEquals("dlq", out.topic());
        assertArrayEquals(NOT_UTF8_KEY, out.key(), "the input key byte for byte");
        assertSame(in.value(), out.value());
        assertOrigin(out);
        assertEquals("invalid_input", header(out, BridgeHeaders.ERROR_CODE));
        assertEquals(read.reason(), header(out, BridgeHeaders.ERROR_MESSAGE));
        assertNull(header(out, BridgeHeaders.PENDING_DUE));
        assertNull(header(out, BridgeHeaders.TASK_ID));
        assertNull(read.task());
    }

    @Test
    void aNullValueWithoutKeyIsADeadLetterWithoutKey() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(null, null)).record();

        assertEquals("dlq", out.topic());
        assertNull(out.key());
        assertNull(out.value());
        assertEquals("invalid_input", header(out, BridgeHeaders.ERROR_CODE));
    }

    /** Names a sender could use to steer the bridge; none may reach the written record in any letter case. */
    private static Map<String, String> hostileAndOrdinaryHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        headers.put("DREAMINA.PENDING.DUE", "0");
        headers.put("Dreamina.Pending.Deadline", "99999999999999");
        headers.put("dreamina.pending.polls", "-5");
        headers.put("dreamina.error.code", "forged");
        headers.put("DREAMINA.TASK.ID", "forged-id");
        headers.put("dreamina.origin.offset", "1");
        headers.put("CamelKafkaOverrideTopic", "elsewhere");
        headers.put("CAMELKAFKAOVERRIDETOPIC", "elsewhere");
        headers.put("kafka.OVERRIDE_TOPIC", "elsewhere");
        headers.put("CamelKafkaKey", "forged-key");
        headers.put("CamelKafkaPartition", "7");
        headers.put("KAFKA.OFFSET", "0");
        headers.put("Authorization", "Bearer not-ours");
        headers.put("x-tenant", "acme");
        return headers;
    }

    @Test
    void reservedInputHeadersNeverReachThePendingRecordAndOrdinaryOnesTravel() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(null, utf8(TASK_ID), hostileAndOrdinaryHeaders()))
                .record();

        assertEquals("pending", out.topic());
        assertArrayEquals(utf8(TASK_ID), out.key());
        assertEquals(List.of("traceparent", "x-tenant", BridgeHeaders.ORIGIN_TOPIC, BridgeHeaders.ORIGIN_PARTITION,
                BridgeHeaders.ORIGIN_OFFSET, BridgeHeaders.TASK_ID, BridgeHeaders.PENDING_DUE,
                BridgeHeaders.PENDING_DEADLINE, BridgeHeaders.PENDING_POLLS), names(out));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 5_000), header(out, BridgeHeaders.PENDING_DUE));
        assertEquals(TASK_ID, header(out, BridgeHeaders.TASK_ID));
        assertEquals("4242", header(out, BridgeHeaders.ORIGIN_OFFSET));
    }

    @Test
    void reservedInputHeadersNeverReachTheDeadLetterAndOrdinaryOnesTravel() {
        ProducerRecord<byte[], byte[]> out = intake.read(input(null, utf8("not a task id!"),
                hostileAndOrdinaryHeaders())).record();

        assertEquals("dlq", out.topic());
        assertNull(out.key());
        assertEquals(List.of("traceparent", "x-tenant", BridgeHeaders.ORIGIN_TOPIC, BridgeHeaders.ORIGIN_PARTITION,
                BridgeHeaders.ORIGIN_OFFSET, BridgeHeaders.ERROR_CODE, BridgeHeaders.ERROR_MESSAGE), names(out));
        assertEquals("invalid_input", header(out, BridgeHeaders.ERROR_CODE));
    }
}
