package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.support.TestClock;
import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's checks for states a broker is not needed for: not started, stopped. */
class SchedulerChecksTest {

    private final TestClock clock = new TestClock();

    @Test
    void beforeTheSchedulerExistsItIsAliveButNotReady() {
        SchedulerLivenessCheck live = new SchedulerLivenessCheck(() -> null, Duration.ofMinutes(5), clock);
        SchedulerReadinessCheck ready = new SchedulerReadinessCheck(() -> null);
        assertEquals(HealthCheck.State.UP, live.call().getState());
        assertEquals(HealthCheck.State.DOWN, ready.call().getState());
        assertTrue(live.isLiveness());
        assertFalse(live.isReadiness());
        assertTrue(ready.isReadiness());
        assertFalse(ready.isLiveness());
    }

    @Test
    void aSchedulerWhoseThreadDoesNotRunIsDead() {
        PendingTaskScheduler scheduler = new PendingTaskScheduler(() -> {
            throw new IllegalStateException("never started");
        }, new PendingTaskScheduler.Settings("pending", 10, 1, Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), null,
                Instant::now, (owned, total) -> { }, Backoff.vendorDefault(new SplittableRandom()), null, null,
                e -> { }, clock);
        SchedulerLivenessCheck live = new SchedulerLivenessCheck(() -> scheduler, Duration.ofMinutes(5), clock);
        HealthCheck.Result result = live.call();
        assertEquals(HealthCheck.State.DOWN, result.getState());
        assertEquals("pending-task scheduler thread is not running", result.getMessage().orElseThrow());
        assertEquals(HealthCheck.State.DOWN, new SchedulerReadinessCheck(() -> scheduler).call().getState());
    }
}
