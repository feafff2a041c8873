package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness of the pending-task scheduler: DOWN until it runs and has received its first assignment of the pending
 * topic's partitions from the group (an instance beyond the partition count receives an empty one: it is ready
 * and idle).
 */
public final class SchedulerReadinessCheck extends ReadinessCheck {

    private final Supplier<PendingTaskScheduler> scheduler;

    public SchedulerReadinessCheck(Supplier<PendingTaskScheduler> scheduler) {
        super("dreamina-scheduler");
        this.scheduler = scheduler;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PendingTaskScheduler current = scheduler.get();
        if (current == null || !current.isRunning()) {
            builder.message("pending-task scheduler not running").down();
        } else if (!current.hasAssignment()) {
            builder.message("pending-task scheduler waits for its partitions of the pending topic").down();
        } else {
            builder.up();
        }
    }
}
