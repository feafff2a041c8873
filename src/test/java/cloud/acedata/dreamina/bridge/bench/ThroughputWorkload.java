package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * <b>throughput</b>: 100,000 tasks already done at their first poll, the client limit lifted (1,000 requests/s,
 * batch 100) and the simulator's too. End-to-end tasks/s (target ≥ 10,000), ingest records/s (≥ 20,000), CPU
 * seconds of the bridge per 1,000 tasks (≤ 0.2), peak heap and RSS.
 */
final class ThroughputWorkload implements Workload {

    static final int TASKS = 100_000;
    static final Duration CADENCE = Duration.ofSeconds(1);
    /** The bridge's settings for this traffic: the client limit lifted to 1,000 requests/s, batch 100, cadence 1 s. */
    static final Map<String, String> BRIDGE_SETTINGS = Map.of("dreamina.api.max-requests-per-second", "1000",
            "dreamina.poll.batch-size", "100", "dreamina.poll.interval", "1s");

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%,d tasks done at their first poll; client limit 1,000 requests/s, batch 100; "
                + "no API limit; cadence 1 s", s.tasks(TASKS));
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        int n = env.settings().tasks(TASKS);
        Duration timeout = Workload.timeout(env, baseline);
        try (WorkloadRun run = new WorkloadRun(env, name(), baseline, Integer.MAX_VALUE, Duration.ZERO)) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(run.createTask(TaskScript.done(Duration.ZERO)).id());
            }
            run.startSubject(BRIDGE_SETTINGS, CADENCE);
            run.feed(ids);
            boolean drained = run.awaitOutputs(timeout);
            WorkloadResult r = run.measure();
            Workload.noteIfCut(r, drained, baseline, timeout);
            r.row("end to end, tasks/s", r.number("tasksPerSecond"), "", Target.atLeast(10_000));
            r.row("ingest, records/s", r.number("ingestRecordsPerSecond"), "", Target.atLeast(20_000));
            r.row("CPU s per 1,000 tasks (" + r.subject() + " threads)", r.number("cpuSecondsPer1000Tasks"), "",
                    Target.atMost(0.2));
            r.row("CPU s: " + r.subject() + " threads / whole JVM", WorkloadResult.format(r.number("cpuSeconds"))
                    + " / " + WorkloadResult.format(r.number("processCpuSeconds")));
            r.row("where the " + r.subject() + "'s CPU went (s, busiest thread families)",
                    String.valueOf(run.sampler().cpu().secondsByFamily().entrySet().stream().limit(4).toList()));
            r.row("peak heap, whole JVM (sampled / pool peaks)", WorkloadResult.format(r.number("heapPeakMb"))
                    + " / " + WorkloadResult.format(r.number("heapPoolPeaksMb")) + " MB");
            r.row("peak RSS, whole JVM (sampled / VmHWM)", WorkloadResult.format(r.number("rssPeakMb")) + " / "
                    + WorkloadResult.format(r.number("vmHwmMb")) + " MB");
            r.row("drain time / tasks done", WorkloadResult.format(r.number("drainSeconds")) + " s / "
                    + WorkloadResult.format(r.number("completed")));
            return r;
        }
    }
}
