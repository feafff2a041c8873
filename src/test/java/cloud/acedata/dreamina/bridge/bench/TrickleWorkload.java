package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * <b>trickle</b>: 20 tasks/s arriving for 30 s (the duration scaled, at least 10 s), each done 10 s after its first
 * poll, 1 s cadence. Few tasks are due at any moment: does the bridge still fill its requests? API requests per
 * completed task (target ≤ 0.55), ids per request.
 */
final class TrickleWorkload implements Workload {

    static final int PER_SECOND = 20;
    static final Duration ARRIVALS = Duration.ofSeconds(30);
    static final Duration FINISH_AFTER_FIRST_POLL = Duration.ofSeconds(10);
    static final Duration CADENCE = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "trickle";
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%d tasks/s for %d s, each done 10 s after its first poll; cadence 1 s; API limit 60 "
                + "requests/s; default rate and batch", PER_SECOND, arrivalSeconds(s));
    }

    static long arrivalSeconds(BenchSettings s) {
        return Math.max(10, Math.round(ARRIVALS.toSeconds() * s.scale()));
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        long seconds = arrivalSeconds(env.settings());
        int n = (int) (PER_SECOND * seconds);
        Duration timeout = Workload.timeout(env, baseline);
        try (WorkloadRun run = new WorkloadRun(env, name(), baseline, 60, Duration.ZERO)) {
            run.startSubject(Map.of("dreamina.poll.interval", "1s"), CADENCE);
            long start = System.nanoTime();
            long gap = 1_000_000_000L / PER_SECOND;
            for (int i = 0; i < n; i++) {
                // A load generator's pacing (not a wait for a condition): task i arrives at start + i / 20 s.
                long wait = start + i * gap - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                run.feedOne(run.createTask(TaskScript.done(FINISH_AFTER_FIRST_POLL).fromFirstPoll()).id());
            }
            run.flush();
            boolean drained = run.awaitOutputs(timeout);
            WorkloadResult r = run.measure();
            Workload.noteIfCut(r, drained, baseline, timeout);
            r.setting("arrivalsPerSecond", PER_SECOND).setting("arrivalSeconds", seconds);
            r.row("API requests per completed task", r.number("requestsPerCompletedTask"), "", Target.atMost(0.55));
            r.row("ids per request", WorkloadResult.format(r.number("idsPerRequest")));
            r.row("detection latency p50 / p99", WorkloadResult.format(r.number("detectionP50Ms")) + " / "
                    + WorkloadResult.format(r.number("detectionP99Ms")) + " ms");
            r.row("tasks done / fed", WorkloadResult.format(r.number("completed")) + " / " + n);
            return r;
        }
    }
}
