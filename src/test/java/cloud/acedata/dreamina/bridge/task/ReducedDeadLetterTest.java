package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReducedDeadLetterTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static TaskOutcome deadLetter(byte[] key, Map<String, Object> extra) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("x-blob", bytes("h".repeat(100_000)));
        headers.put(BridgeHeaders.ORIGIN_TOPIC, "dreamina.tasks");
        headers.put(BridgeHeaders.ORIGIN_PARTITION, "2");
        headers.put(BridgeHeaders.ORIGIN_OFFSET, "77");
        headers.put(BridgeHeaders.TASK_ID, "task-1");
        headers.put(BridgeHeaders.ERROR_CODE, "record_too_large");
        headers.putAll(extra);
        return new TaskOutcome(TaskOutcome.Destination.DEAD_LETTER, key, bytes("v".repeat(50_000)), headers);
    }

    @Test
    void keepsTheKeyOriginIdsAndVideoAndDropsTheValueAndTheInputsHeaders() {
        TaskOutcome unwritable = deadLetter(bytes("input-key"), Map.of(BridgeHeaders.VIDEO_URL, "https://cdn/v.mp4"));

        TaskOutcome reduced = ReducedDeadLetter.of(unwritable, "too large");

        assertEquals(TaskOutcome.Destination.DEAD_LETTER, reduced.destination());
        assertArrayEquals(bytes("input-key"), reduced.key());
        assertEquals(0, reduced.value().length);
        assertFalse(reduced.headers().containsKey("x-blob"));
        assertEquals("dreamina.tasks", reduced.header(BridgeHeaders.ORIGIN_TOPIC));
        assertEquals("2", reduced.header(BridgeHeaders.ORIGIN_PARTITION));
        assertEquals("77", reduced.header(BridgeHeaders.ORIGIN_OFFSET));
        assertEquals("task-1", reduced.header(BridgeHeaders.TASK_ID));
        assertEquals("https://cdn/v.mp4", reduced.header(BridgeHeaders.VIDEO_URL));
        assertEquals(BridgeHeaders.CODE_RECORD_TOO_LARGE, reduced.header(BridgeHeaders.ERROR_CODE));
        assertEquals("too large", reduced.header(BridgeHeaders.ERROR_MESSAGE));
        assertEquals(String.valueOf(ReducedDeadLetter.sizeOf(unwritable)),
                reduced.header(BridgeHeaders.ORIGINAL_SIZE));
        assertTrue(ReducedDeadLetter.sizeOf(unwritable) > 150_000);
    }

    @Test
    void anythingUnboundedIsDroppedOrCutSoThatItAlwaysFits() {
        TaskOutcome unwritable = deadLetter(bytes("k".repeat(ReducedDeadLetter.MAX_KEY_BYTES + 1)), Map.of(
                BridgeHeaders.TASK_ID, "t".repeat(ReducedDeadLetter.MAX_ID_BYTES + 1),
                BridgeHeaders.VIDEO_URL, "https://cdn/" + "u".repeat(ReducedDeadLetter.MAX_URL_BYTES)));

        TaskOutcome reduced = ReducedDeadLetter.of(unwritable, "m".repeat(10_000));

        assertNull(reduced.key(), "a key over 1 KiB is dropped");
        assertNull(reduced.header(BridgeHeaders.TASK_ID));
        assertNull(reduced.header(BridgeHeaders.VIDEO_URL));
        assertEquals(ReducedDeadLetter.MAX_MESSAGE_CHARS + 1, reduced.header(BridgeHeaders.ERROR_MESSAGE).length(),
                "cut, with an ellipsis");
        assertTrue(ReducedDeadLetter.sizeOf(reduced) < 1_024, "small: " + ReducedDeadLetter.sizeOf(reduced));
    }

    @Test
    void theLargestReducedDeadLetterStaysUnderSixKiB() {
        Map<String, Object> longest = new LinkedHashMap<>();
        for (String name : new String[] {BridgeHeaders.ORIGIN_TOPIC, BridgeHeaders.ORIGIN_PARTITION,
                BridgeHeaders.ORIGIN_OFFSET, BridgeHeaders.TASK_ID, BridgeHeaders.TRACE_ID}) {
            longest.put(name, "i".repeat(ReducedDeadLetter.MAX_ID_BYTES));
        }
        longest.put(BridgeHeaders.VIDEO_URL, "u".repeat(ReducedDeadLetter.MAX_URL_BYTES));
        TaskOutcome unwritable = deadLetter(bytes("k".repeat(ReducedDeadLetter.MAX_KEY_BYTES)), longest);

        TaskOutcome reduced = ReducedDeadLetter.of(unwritable, "\u00e9".repeat(10_000));

        assertTrue(ReducedDeadLetter.sizeOf(reduced) < 6 * 1024, "bounded: " + ReducedDeadLetter.sizeOf(reduced));
    }
}
