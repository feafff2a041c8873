package cloud.acedata.dreamina.bridge.task;

import cloud.acedata.dreamina.bridge.task.TaskOutcome.Destination;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class TaskOutcomeTest {

    private static final String TASK_ID = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";
    private static final byte[] VALUE = "  {\"task_id\":\"f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c\", \"x\":1}\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] RAW_HEADER = {0, (byte) 0xff, 42};

    private static final Set<String> ORIGIN = Set.of(BridgeHeaders.ORIGIN_TOPIC, BridgeHeaders.ORIGIN_PARTITION,
            BridgeHeaders.ORIGIN_OFFSET);

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> headers(String taskId, String traceId) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("x-app", bytes("shop-7"));
        headers.put("x-binary", RAW_HEADER);
        headers.put(BridgeHeaders.ORIGIN_TOPIC, bytes("dreamina.tasks"));
        headers.put(BridgeHeaders.ORIGIN_PARTITION, bytes("4"));
        headers.put(BridgeHeaders.ORIGIN_OFFSET, bytes("1234"));
        if (taskId != null) {
            headers.put(BridgeHeaders.TASK_ID, bytes(taskId));
        }
        if (traceId != null) {
            headers.put(BridgeHeaders.TRACE_ID, bytes(traceId));
        }
        headers.put(BridgeHeaders.PENDING_DUE, bytes("1740830400000"));
        headers.put(BridgeHeaders.PENDING_DEADLINE, bytes("1740831300000"));
        headers.put(BridgeHeaders.PENDING_POLLS, bytes("3"));
        return headers;
    }

    private static PendingTask task() {
        return new PendingTask(bytes("input-key"), VALUE, headers(TASK_ID, "tr-1"));
    }

    private static void assertNoPendingHeaders(TaskOutcome outcome) {
        BridgeHeaders.INTERNAL.forEach(name -> assertFalse(outcome.headers().containsKey(name), name));
    }

    // ------------------------------------------------------------------------------------------------ dead letter

    @Test
    void deadLetterKeepsKeyValueAndOriginAndDropsPendingHeaders() {
        PendingTask task = task();

        TaskOutcome outcome = TaskOutcome.deadLetter(task, "bad_request", "invalid id", 400);

        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals("input-key", text(outcome.key()));
        assertArrayEquals(VALUE, outcome.value());
        assertEquals("dreamina.tasks", outcome.header(BridgeHeaders.ORIGIN_TOPIC));
        assertEquals("4", outcome.header(BridgeHeaders.ORIGIN_PARTITION));
        assertEquals("1234", outcome.header(BridgeHeaders.ORIGIN_OFFSET));
        assertNoPendingHeaders(outcome);
        assertEquals("bad_request", outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals("invalid id", outcome.header(BridgeHeaders.ERROR_MESSAGE));
        assertEquals("400", outcome.headers().get(BridgeHeaders.HTTP_STATUS));
        assertEquals(TASK_ID, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-1", outcome.header(BridgeHeaders.TRACE_ID));
        assertEquals("shop-7", outcome.header("x-app"));
        assertArrayEquals(RAW_HEADER, (byte[]) outcome.headers().get("x-binary"));
    }

    @Test
    void deadLetterWithoutHttpStatusOrMessage() {
        TaskOutcome outcome = TaskOutcome.deadLetter(task(), BridgeHeaders.CODE_POLL_TIMEOUT, null, null);

        assertEquals(BridgeHeaders.CODE_POLL_TIMEOUT, outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals(BridgeHeaders.CODE_POLL_TIMEOUT, outcome.header(BridgeHeaders.ERROR_MESSAGE));
        assertFalse(outcome.headers().containsKey(BridgeHeaders.HTTP_STATUS));
    }

    @Test
    void deadLetterOfATraceOnlyTaskHasNoTaskIdHeader() {
        PendingTask task = new PendingTask(bytes("tr-9"), bytes("{\"trace_id\":\"tr-9\"}"), headers(null, "tr-9"));

        TaskOutcome outcome = TaskOutcome.deadLetter(task, BridgeHeaders.CODE_TASK_FAILED, "status failed", null);

        assertFalse(outcome.headers().containsKey(BridgeHeaders.TASK_ID));
        assertEquals("tr-9", outcome.header(BridgeHeaders.TRACE_ID));
        assertEquals("tr-9", text(outcome.key()));
    }

    @Test
    void bridgeHeaderValuesAreStrings() {
        TaskOutcome outcome = TaskOutcome.deadLetter(task(), "no_api", "not found", 404);
        assertInstanceOf(String.class, outcome.headers().get(BridgeHeaders.HTTP_STATUS));
        assertInstanceOf(String.class, outcome.headers().get(BridgeHeaders.ERROR_CODE));
    }

    // ------------------------------------------------------------------------------------------------ output

    @Test
    void outputDropsOriginAndPendingHeadersAndKeepsTheInputsOwn() {
        byte[] detail = bytes("{ \"id\":\"" + TASK_ID + "\" }");

        TaskOutcome outcome = TaskOutcome.done(task(), TASK_ID, "tr-1", detail, "https://cdn/v.mp4");

        assertEquals(Destination.OUTPUT, outcome.destination());
        assertEquals(TASK_ID, text(outcome.key()));
        assertSame(detail, outcome.value());
        assertEquals(TASK_ID, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-1", outcome.header(BridgeHeaders.TRACE_ID));
        assertEquals("https://cdn/v.mp4", outcome.header(BridgeHeaders.VIDEO_URL));
        assertEquals("done", outcome.header(BridgeHeaders.STATUS));
        assertEquals("shop-7", outcome.header("x-app"));
        assertArrayEquals(RAW_HEADER, (byte[]) outcome.headers().get("x-binary"));
        ORIGIN.forEach(name -> assertFalse(outcome.headers().containsKey(name), name));
        assertNoPendingHeaders(outcome);
        assertNull(outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals(Set.of("x-app", "x-binary", BridgeHeaders.TASK_ID, BridgeHeaders.TRACE_ID,
                BridgeHeaders.VIDEO_URL, BridgeHeaders.STATUS), outcome.headers().keySet());
    }

    @Test
    void outputKeyIsTheTaskIdEvenWhenTheInputKeyWasATraceId() {
        PendingTask task = new PendingTask(bytes("tr-9"), bytes("tr-9"), headers(null, "tr-9"));

        TaskOutcome outcome = TaskOutcome.done(task, TASK_ID, null, bytes("{}"), "https://cdn/v.mp4");

        assertEquals(TASK_ID, text(outcome.key()));
        assertEquals(TASK_ID, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-9", outcome.header(BridgeHeaders.TRACE_ID));
    }

    @Test
    void outputOfATraceOnlyTaskWhoseAnswerNamesNoIdIsKeyedByItsTraceId() {
        PendingTask task = new PendingTask(bytes("input-key"), bytes("{\"trace_id\":\"tr-9\"}"),
                headers(null, "tr-9"));
        TaskOutcome outcome = TaskOutcome.done(task, null, "tr-9", bytes("{}"), "https://cdn/v.mp4");
        assertArrayEquals(bytes("tr-9"), outcome.key(), "the trace id stands for the id nobody gave");
        assertEquals("tr-9", outcome.header(BridgeHeaders.TRACE_ID));
        assertNull(outcome.header(BridgeHeaders.TASK_ID), "no task id is known");
    }

    @Test
    void outputWithoutAnyTraceIdHasNoTraceHeader() {
        PendingTask task = new PendingTask(bytes(TASK_ID), bytes(TASK_ID), headers(TASK_ID, null));

        TaskOutcome outcome = TaskOutcome.done(task, TASK_ID, null, bytes("{}"), "https://cdn/v.mp4");

        assertFalse(outcome.headers().containsKey(BridgeHeaders.TRACE_ID));
    }

    // ------------------------------------------------------------------------------------------------ poll again

    @Test
    void pollAgainCountsThePollAndKeepsTheDeadline() {
        PendingTask task = task();

        TaskOutcome outcome = TaskOutcome.pollAgain(task, null, 1740830405000L);

        assertEquals(Destination.PENDING, outcome.destination());
        assertEquals("input-key", text(outcome.key()));
        assertArrayEquals(VALUE, outcome.value());
        assertEquals("1740830405000", outcome.header(BridgeHeaders.PENDING_DUE));
        assertEquals("4", outcome.header(BridgeHeaders.PENDING_POLLS));
        assertEquals("1740831300000", outcome.header(BridgeHeaders.PENDING_DEADLINE));
        assertEquals(TASK_ID, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-1", outcome.header(BridgeHeaders.TRACE_ID));
        assertEquals("dreamina.tasks", outcome.header(BridgeHeaders.ORIGIN_TOPIC));
        assertEquals("shop-7", outcome.header("x-app"));
        assertFalse(outcome.headers().containsKey(BridgeHeaders.ERROR_CODE));
    }

    @Test
    void pollAgainRecordsALearnedTaskIdOnlyWhenTheTaskHadNone() {
        PendingTask traceOnly = new PendingTask(bytes("tr-9"), bytes("tr-9"), headers(null, "tr-9"));
        assertEquals(TASK_ID, TaskOutcome.pollAgain(traceOnly, TASK_ID, 1L).header(BridgeHeaders.TASK_ID));
        assertNull(TaskOutcome.pollAgain(traceOnly, null, 1L).header(BridgeHeaders.TASK_ID));

        assertEquals(TASK_ID, TaskOutcome.pollAgain(task(), "another-id", 1L).header(BridgeHeaders.TASK_ID));
    }

    @Test
    void pollAgainWithoutSchedulingHeadersStartsCounting() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(BridgeHeaders.TASK_ID, bytes(TASK_ID));
        PendingTask task = new PendingTask(bytes(TASK_ID), bytes(TASK_ID), headers);

        TaskOutcome outcome = TaskOutcome.pollAgain(task, null, 99L);

        assertEquals("1", outcome.header(BridgeHeaders.PENDING_POLLS));
        assertEquals("99", outcome.header(BridgeHeaders.PENDING_DUE));
        assertEquals(String.valueOf(Long.MAX_VALUE), outcome.header(BridgeHeaders.PENDING_DEADLINE));
    }

    @Test
    void pollAgainLeavesThePendingTaskUntouched() {
        PendingTask task = task();
        TaskOutcome.pollAgain(task, null, 5L);
        assertEquals(3, task.polls());
        assertEquals(1740830400000L, task.dueAtMillis());
    }
}
