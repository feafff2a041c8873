package cloud.acedata.dreamina.bridge.task;

import java.time.Duration;

/**
 * How this instance reads the wall-clock times another instance wrote: a pending task's due time and deadline are
 * epoch millis by the clock of whoever wrote them, and clocks of two machines differ.
 * <ul>
 *   <li><b>Due time.</b> The bridge never writes a due time further ahead than one poll interval, or a task's own
 *       longest backoff when it writes back a task that waits on it (its coalescing window is at most one more), so
 *       one further ahead than the longer of the two plus the window by this instance's clock was written by a clock
 *       that leads: it is read as <em>now</em>, and a lagging reader never pauses a partition for the skew. (Within
 *       that bound a task waits at most the skew longer than it should.)</li>
 *   <li><b>Deadline.</b> A deadline is judged with a tolerance of one poll interval: a task is past it only once this
 *       instance's clock is that much beyond it, so a reader whose clock leads by up to one interval never gives a
 *       task up early (and a task with correct clocks is given up at most one interval after max-wait).</li>
 * </ul>
 * So instances whose clocks differ by up to one poll interval (5 s by default) behave as with one clock; a larger
 * skew only makes a task be polled early (never paused for the skew) or given up that much earlier.
 */
public final class ClockSkew {

    private final long intervalMillis;
    private final long furthestDueMillis;

    /**
     * @param interval       {@code dreamina.poll.interval}: the furthest ahead the bridge writes a due time, and the
     *                       deadline's tolerance
     * @param coalesceWindow how early a task may be polled ({@code dreamina.poll.coalesce} × interval)
     */
    public ClockSkew(Duration interval, Duration coalesceWindow) {
        this(interval, coalesceWindow, Duration.ZERO);
    }

    /**
     * @param longestBackoff the furthest ahead the bridge writes the due time of a task waiting on its own backoff
     *                       (the task backoff's largest delay, jitter included)
     */
    public ClockSkew(Duration interval, Duration coalesceWindow, Duration longestBackoff) {
        this.intervalMillis = interval.toMillis();
        this.furthestDueMillis = Math.max(intervalMillis, longestBackoff.toMillis()) + coalesceWindow.toMillis();
    }

    /** The tolerance a deadline is judged with. */
    public Duration deadlineTolerance() {
        return Duration.ofMillis(intervalMillis);
    }

    /** The task's due time read at {@code nowMillis}: as written, or now when it is further ahead than possible. */
    public long dueAtMillis(PendingTask task, long nowMillis) {
        long due = task.dueAtMillis();
        return due > nowMillis + furthestDueMillis ? nowMillis : due;
    }

    /**
     * The task as this instance reads it at {@code nowMillis}: itself, or, when its due time is further ahead than
     * possible, a copy due now ({@link #dueAtMillis}). The scheduler reads every pending record through this.
     */
    public PendingTask read(PendingTask task, long nowMillis) {
        long due = dueAtMillis(task, nowMillis);
        if (due == task.dueAtMillis()) {
            return task;
        }
        return task.with(BridgeHeaders.PENDING_DUE, String.valueOf(due));
    }

    /** Whether the task is past its deadline at {@code nowMillis}, with the tolerance. */
    public boolean isPastDeadline(PendingTask task, long nowMillis) {
        return nowMillis >= givenUpAt(task);
    }

    /** When a task not finished at {@code nowMillis} is polled next: one interval on, never past its deadline's end. */
    public long nextDueMillis(PendingTask task, long nowMillis) {
        return Math.min(nowMillis + intervalMillis, givenUpAt(task));
    }

    /** The deadline plus the tolerance (saturated: a task without a deadline has none). */
    private long givenUpAt(PendingTask task) {
        long deadline = task.deadlineMillis();
        return deadline > Long.MAX_VALUE - intervalMillis ? Long.MAX_VALUE : deadline + intervalMillis;
    }
}
