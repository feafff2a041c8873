package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * <b>scale</b>: 100,000 tasks that never finish, put through the input topic; once all are ingested (in flight on the
 * pending topic, polled at the rate limit), heap and RSS are watched for {@code bench.scale.hold-seconds}. Heap
 * target ≤ 256 MB, on the live heap after forced collections: of the whole JVM (broker and simulator, with its
 * 100,000 tasks, included) and the subject's share (minus the same before it started). The peak in use, garbage
 * included, depends on -Xmx more than on the bridge: run with {@code -Dbench.heap=256m} to hold it to the target.
 */
final class ScaleWorkload implements Workload {

    static final int TASKS = 100_000;
    static final Duration CADENCE = Duration.ofSeconds(1);
    static final double HEAP_TARGET_MB = 256;

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%,d never-finishing tasks in flight, watched for %d s once ingested; cadence 1 s; API "
                + "limit 60 requests/s; default rate and batch", s.tasks(TASKS), s.scaleHold().toSeconds());
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        int n = env.settings().tasks(TASKS);
        Duration timeout = Workload.timeout(env, baseline);
        try (WorkloadRun run = new WorkloadRun(env, name(), baseline, 60, Duration.ZERO)) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(run.createTask(TaskScript.never()).id());
            }
            run.startSubject(Map.of("dreamina.poll.interval", "1s"), CADENCE);
            run.feed(ids);
            // The baseline takes one task per consumer and never commits past it: it never ingests them all.
            boolean ingested = !baseline && run.awaitIngested(timeout);
            run.sampler().resetPeaks();
            // A measurement window, not a wait for a condition: the tasks wait, and heap and RSS are sampled.
            LockSupport.parkNanos(env.settings().scaleHold().toNanos());
            long share = run.liveHeapShareMb();
            WorkloadResult r = run.measure();
            r.figure("ingested", ingested).figure("liveHeapShareMb", share)
                    .setting("holdSeconds", env.settings().scaleHold().toSeconds());
            if (!ingested) {
                r.note(baseline ? "the baseline holds one task per consumer; the others wait as input lag"
                        : "not all ingested within " + timeout.toSeconds() + " s");
            }
            r.row("tasks in flight (input committed)", WorkloadResult.format(r.number("inputCommitted")) + " of "
                    + WorkloadResult.format(n));
            r.row("live heap after GC, whole JVM (broker, simulator and its tasks included)",
                    r.number("liveHeapWithSubjectMb"), " MB", Target.atMost(HEAP_TARGET_MB));
            r.row("live heap share of the " + r.subject() + " (after GC, minus before it started)", share, " MB",
                    Target.atMost(HEAP_TARGET_MB));
            r.row("peak heap in use while they wait, garbage included (sampled / pool peaks)",
                    WorkloadResult.format(r.number("heapPeakMb")) + " / "
                            + WorkloadResult.format(r.number("heapPoolPeaksMb")) + " MB");
            r.row("peak RSS while they wait (sampled / VmHWM)", WorkloadResult.format(r.number("rssPeakMb")) + " / "
                    + WorkloadResult.format(r.number("vmHwmMb")) + " MB");
            r.row("API requests/s while they wait", WorkloadResult.format(Stats.ratio(r.number("apiRequests"),
                    r.number("elapsedSeconds"))) + " (" + WorkloadResult.format(r.number("api429")) + " x 429)");
            return r;
        }
    }
}
