package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.InvalidInputException;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskIntakeTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final String TASK_ID = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";

    private DefaultCamelContext context;
    private TaskIntake intake;

    @BeforeEach
    void setUp() {
        context = new DefaultCamelContext();
        context.start();
        intake = new TaskIntake(new TaskReferenceParser(), INTERVAL, MAX_WAIT, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        context.stop();
    }

    /** An exchange as the Kafka consumer delivers it: value as bytes, topic/partition/offset as typed headers. */
    private Exchange record(String key, String value) {
        Exchange exchange = new DefaultExchange(context);
        Message message = exchange.getMessage();
        message.setHeader(KafkaConstants.TOPIC, "dreamina.tasks");
        message.setHeader(KafkaConstants.PARTITION, 3);
        message.setHeader(KafkaConstants.OFFSET, 4242L);
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key);
        }
        message.setBody(value.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    private static void assertOrigin(Exchange exchange) {
        assertEquals("dreamina.tasks", header(exchange, BridgeHeaders.ORIGIN_TOPIC));
        assertEquals("3", header(exchange, BridgeHeaders.ORIGIN_PARTITION));
        assertEquals("4242", header(exchange, BridgeHeaders.ORIGIN_OFFSET));
    }

    @Test
    void bareTaskIdGetsOriginTaskAndSchedulingHeaders() {
        Exchange exchange = record(null, TASK_ID);
        byte[] body = exchange.getMessage().getBody(byte[].class);

        intake.accept(exchange);

        Message message = exchange.getMessage();
        assertOrigin(exchange);
        assertEquals(String.class, message.getHeader(BridgeHeaders.ORIGIN_PARTITION).getClass());
        assertEquals(String.class, message.getHeader(BridgeHeaders.ORIGIN_OFFSET).getClass());
        assertEquals(TASK_ID, header(exchange, BridgeHeaders.TASK_ID));
        assertFalse(message.hasHeaders() && message.getHeaders().containsKey(BridgeHeaders.TRACE_ID));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 5_000), message.getHeader(BridgeHeaders.PENDING_DUE));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 900_000),
                message.getHeader(BridgeHeaders.PENDING_DEADLINE));
        assertEquals("0", message.getHeader(BridgeHeaders.PENDING_POLLS));
        assertEquals(TASK_ID, message.getHeader(KafkaConstants.KEY));
        assertSame(body, message.getBody());
    }

    @Test
    void generationAnswerGivesTaskAndTraceIds() {
        Exchange exchange = record(null, "{\"success\":true,\"task_id\":\"" + TASK_ID + "\",\"trace_id\":\"tr-1\","
                + "\"data\":[]}");

        intake.accept(exchange);

        assertEquals(TASK_ID, header(exchange, BridgeHeaders.TASK_ID));
        assertEquals("tr-1", header(exchange, BridgeHeaders.TRACE_ID));
        assertEquals(TASK_ID, header(exchange, KafkaConstants.KEY));
    }

    @Test
    void traceOnlyInputIsKeyedByTraceIdAndStaleTaskIdIsRemoved() {
        Exchange exchange = record(null, "{\"trace_id\":\"tr-only\"}");
        exchange.getMessage().setHeader(BridgeHeaders.TASK_ID, "stale");

        intake.accept(exchange);

        assertFalse(exchange.getMessage().getHeaders().containsKey(BridgeHeaders.TASK_ID));
        assertEquals("tr-only", header(exchange, BridgeHeaders.TRACE_ID));
        assertEquals("tr-only", header(exchange, KafkaConstants.KEY));
    }

    @Test
    void existingKeyIsKept() {
        Exchange exchange = record("customer-17", TASK_ID);

        intake.accept(exchange);

        assertEquals("customer-17", header(exchange, KafkaConstants.KEY));
        assertEquals(TASK_ID, header(exchange, BridgeHeaders.TASK_ID));
    }

    @Test
    void schedulingHeadersOfAReplayedRecordAreReset() {
        Exchange exchange = record(null, TASK_ID);
        exchange.getMessage().setHeader(BridgeHeaders.PENDING_POLLS, "12");
        exchange.getMessage().setHeader(BridgeHeaders.PENDING_DEADLINE, "1");

        intake.accept(exchange);

        assertEquals("0", header(exchange, BridgeHeaders.PENDING_POLLS));
        assertEquals(String.valueOf(NOW.toEpochMilli() + 900_000), header(exchange, BridgeHeaders.PENDING_DEADLINE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a task id!", "{\"success\":false,\"error\":{\"code\":\"bad_request\"}}",
            "{\"model\":\"x\"}", "{\"id\":", "[\"" + TASK_ID + "\"]"})
    void invalidInputIsRefusedWithTheOriginHeadersAlreadySet(String value) {
        Exchange exchange = record(null, value);

        assertThrows(InvalidInputException.class, () -> intake.accept(exchange));

        assertOrigin(exchange);
        assertNull(header(exchange, BridgeHeaders.PENDING_DUE));
        assertNull(header(exchange, BridgeHeaders.TASK_ID));
        assertNull(header(exchange, KafkaConstants.KEY));
    }

    @Test
    void nullBodyIsInvalidInput() {
        Exchange exchange = record(null, "x");
        exchange.getMessage().setBody(null);

        assertThrows(InvalidInputException.class, () -> intake.accept(exchange));
        assertOrigin(exchange);
    }
}
