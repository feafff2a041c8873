package cloud.acedata.dreamina.bridge.support;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * How the tests wait for something another thread or process makes true: Awaitility, checking every
 * {@value #CHECK_INTERVAL_MS} ms from the first moment (no initial delay) until the deadline. A check that throws
 * counts as "not yet" (a broker may be restarting, a topic may not exist yet); Awaitility reports the last failure
 * if the deadline passes. The interval only paces the checks: the test goes on as soon as the condition holds.
 * Checks run on the test's own thread, so a condition may use what only one thread may touch (a Kafka consumer).
 */
public final class Waiting {

    private static final long CHECK_INTERVAL_MS = 50;

    private Waiting() {
    }

    /** Waits at most {@code deadline}. */
    public static ConditionFactory within(Duration deadline) {
        return Awaitility.await()
                .atMost(deadline)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(CHECK_INTERVAL_MS))
                .pollInSameThread()
                .ignoreExceptions();
    }
}
