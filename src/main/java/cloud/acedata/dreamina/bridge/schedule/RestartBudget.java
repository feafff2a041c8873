package cloud.acedata.dreamina.bridge.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The supervisor's rule for a loop that failed: restarted, unless it failed {@code max} times within {@code window}
 * (then the bridge stops: something is broken that a restart does not mend). Each restart waits a little longer.
 */
final class RestartBudget {

    private final int max;
    private final Duration window;
    private final Deque<Instant> failures = new ArrayDeque<>();

    RestartBudget(int max, Duration window) {
        this.max = max;
        this.window = window;
    }

    /** A failure at {@code now}: whether the loop may be restarted. */
    boolean failed(Instant now) {
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(window))) {
            failures.removeFirst();
        }
        return failures.size() < max;
    }

    /** How long to wait before the restart: one second per failure within the window. */
    Duration pause() {
        return Duration.ofSeconds(failures.size());
    }
}
