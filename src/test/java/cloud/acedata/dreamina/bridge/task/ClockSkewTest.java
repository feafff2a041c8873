package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Due times and deadlines written by one instance's clock, read by another's. */
class ClockSkewTest {

    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final long CORRECT_NOW = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    private final ClockSkew skew = new ClockSkew(INTERVAL, WINDOW);

    /** A task as an instance whose clock reads {@code writerNow} writes it at ingest. */
    private static PendingTask writtenAt(long writerNow) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(BridgeHeaders.TASK_ID, bytes("f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c"));
        headers.put(BridgeHeaders.PENDING_DUE, bytes(String.valueOf(writerNow + INTERVAL.toMillis())));
        headers.put(BridgeHeaders.PENDING_DEADLINE, bytes(String.valueOf(writerNow + MAX_WAIT.toMillis())));
        headers.put(BridgeHeaders.PENDING_POLLS, bytes("0"));
        return new PendingTask(bytes("k"), bytes("v"), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDueTimeWrittenByACorrectClockIsReadAsWritten() {
        PendingTask task = writtenAt(CORRECT_NOW);

        assertEquals(CORRECT_NOW + INTERVAL.toMillis(), skew.dueAtMillis(task, CORRECT_NOW));
        assertSame(task, skew.read(task, CORRECT_NOW));
    }

    @Test
    void aDueTimeWrittenByAClockLeadingByTenMinutesIsReadAsNowBesideACorrectOne() {
        PendingTask byLeading = writtenAt(CORRECT_NOW + Duration.ofMinutes(10).toMillis());
        PendingTask byCorrect = writtenAt(CORRECT_NOW);

        PendingTask read = skew.read(byLeading, CORRECT_NOW);

        assertEquals(CORRECT_NOW, read.dueAtMillis(), "polled at once, not paused for the skew");
        assertEquals(byLeading.deadlineMillis(), read.deadlineMillis());
        assertArrayEquals(byLeading.value(), read.value());
        assertEquals(CORRECT_NOW + INTERVAL.toMillis(), skew.read(byCorrect, CORRECT_NOW).dueAtMillis());
    }

    @Test
    void aDueTimeWithinOneIntervalAndTheWindowIsKept() {
        long lead = WINDOW.toMillis(); // due interval + window ahead: as far as the bridge's own writes can be
        PendingTask task = writtenAt(CORRECT_NOW + lead);

        assertEquals(CORRECT_NOW + lead + INTERVAL.toMillis(), skew.dueAtMillis(task, CORRECT_NOW));
        assertEquals(CORRECT_NOW - 1, skew.dueAtMillis(task, CORRECT_NOW - 1), "one millisecond further: now");
    }

    /**
     * A task waiting on its own backoff is written back with its due time up to that backoff ahead (the longest: 16 s
     * plus 1 s of jitter): its own write, not a clock that leads. Read as now, it was polled at once and written back
     * again, over and over (132 copies in 6 s under a 300 ms interval, CrashRecoveryIT's K1).
     */
    @Test
    void aDueTimeAsFarAheadAsTheLongestBackoffIsAWriteBackAndKept() {
        Duration longest = Duration.ofSeconds(17);
        ClockSkew withBackoff = new ClockSkew(Duration.ofMillis(300), Duration.ofMillis(60), longest);
        long due = CORRECT_NOW + longest.toMillis();
        Map<String, byte[]> headers = new LinkedHashMap<>(writtenAt(CORRECT_NOW).headers());
        headers.put(BridgeHeaders.PENDING_DUE, bytes(String.valueOf(due)));
        PendingTask writtenBack = new PendingTask(bytes("k"), bytes("v"), headers);

        assertEquals(due, withBackoff.dueAtMillis(writtenBack, CORRECT_NOW), "waits for its backoff");
        assertEquals(CORRECT_NOW - 61, withBackoff.dueAtMillis(writtenBack, CORRECT_NOW - 61),
                "further ahead than the longest backoff and the window: a clock that leads, read as now");
    }

    @Test
    void aDueTimeWrittenByALaggingClockIsAlreadyDue() {
        PendingTask task = writtenAt(CORRECT_NOW - Duration.ofMinutes(10).toMillis());

        assertTrue(skew.dueAtMillis(task, CORRECT_NOW) < CORRECT_NOW);
    }

    @Test
    void aDeadlineIsJudgedWithOneIntervalOfTolerance() {
        PendingTask task = writtenAt(CORRECT_NOW);
        long deadline = task.deadlineMillis();

        assertFalse(skew.isPastDeadline(task, deadline), "a reader leading by up to one interval gives up nothing");
        assertFalse(skew.isPastDeadline(task, deadline + INTERVAL.toMillis() - 1));
        assertTrue(skew.isPastDeadline(task, deadline + INTERVAL.toMillis()));
        assertEquals(INTERVAL, skew.deadlineTolerance());
    }

    @Test
    void theNextDueTimeNeverPassesTheDeadlineAndItsTolerance() {
        PendingTask task = writtenAt(CORRECT_NOW);
        long deadline = task.deadlineMillis();

        assertEquals(CORRECT_NOW + INTERVAL.toMillis(), skew.nextDueMillis(task, CORRECT_NOW));
        assertEquals(deadline + INTERVAL.toMillis(), skew.nextDueMillis(task, deadline + 2_000));
    }

    @Test
    void aTaskWithoutADeadlineIsNeverPastIt() {
        PendingTask task = new PendingTask(bytes("k"), bytes("v"), Map.of());

        assertFalse(skew.isPastDeadline(task, Long.MAX_VALUE - 1));
        assertEquals(CORRECT_NOW + INTERVAL.toMillis(), skew.nextDueMillis(task, CORRECT_NOW));
    }
}
