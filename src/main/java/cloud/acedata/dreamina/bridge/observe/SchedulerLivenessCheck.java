package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Liveness of the pending-task scheduler, a plain Kafka consumer that Camel's own checks do not see: DOWN when its
 * thread has died, or when it has not completed a loop for longer than {@code dreamina.health.scheduler-stall}.
 * UP before it was started (the context's own check covers the start).
 */
public final class SchedulerLivenessCheck extends AbstractHealthCheck {

    private final Supplier<PendingTaskScheduler> scheduler;
    private final Duration stall;
    private final Clock clock;

    public SchedulerLivenessCheck(Supplier<PendingTaskScheduler> scheduler, Duration stall, Clock clock) {
        super("dreamina", "dreamina-scheduler-live");
        this.scheduler = scheduler;
        this.stall = stall;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PendingTaskScheduler current = scheduler.get();
        if (current == null) {
            builder.message("pending-task scheduler not started yet").up();
            return;
        }
        Instant last = current.lastLoopCompletedAt();
        if (last != null) {
            builder.detail("last.loop.completed", last.toString());
        }
        if (!current.isRunning()) {
            builder.message("pending-task scheduler thread is not running").down();
        } else if (last != null && Duration.between(last, clock.instant()).compareTo(stall) > 0) {
            builder.message("pending-task scheduler has not completed a loop for more than " + stall.toSeconds()
                    + " s").down();
        } else {
            builder.up();
        }
    }
}
