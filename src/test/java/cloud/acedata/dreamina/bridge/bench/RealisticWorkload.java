package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * <b>realistic</b>: 20,000 tasks put on the input at once, whose completion times (from their creation) spread like
 * real videos ({@link CompletionTimes}: 20–120 s), scaled down together with the cadence (5 s, the bridge's default)
 * by {@code bench.realistic.time-factor}; the simulator enforces 60 requests/s; the bridge's default rate and batch.
 * API requests per completed task (target ≤ 1/20 of the baseline's), 429s (0), detection latency — the simulator
 * marks a task done → its output record — p50/p99 (p99 ≤ one cadence + 1 s), drain time (within 10 % of what the
 * rate allows: the later of the last task's completion and tasks ÷ (rate × batch)). For the baseline, which falls
 * behind such a burst, completion counts from each task's first poll: its requests per task are what it pays when
 * it keeps up (counted from creation, the tasks it reached late would be done already and look cheap).
 */
final class RealisticWorkload implements Workload {

    static final int TASKS = 20_000;
    static final Duration REAL_CADENCE = Duration.ofSeconds(5);
    private static final long SEED = 20_120;

    @Override
    public String name() {
        return "realistic";
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%,d tasks at once, done 20-120 s after creation (like real videos) x %s, cadence 5 s x %s "
                + "= %d ms; API limit 60 requests/s; default rate and batch", s.tasks(TASKS), s.realisticTimeFactor(),
                s.realisticTimeFactor(), cadence(s).toMillis());
    }

    static Duration cadence(BenchSettings s) {
        return Duration.ofMillis(Math.round(REAL_CADENCE.toMillis() * s.realisticTimeFactor()));
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        BenchSettings s = env.settings();
        int n = s.tasks(TASKS);
        Duration cadence = cadence(s);
        Duration timeout = Workload.timeout(env, baseline);
        try (WorkloadRun run = new WorkloadRun(env, name(), baseline, 60, Duration.ZERO)) {
            run.startSubject(Map.of("dreamina.poll.interval", cadence.toMillis() + "ms"), cadence);
            // Created just before they are fed: their completion clock starts with the run.
            CompletionTimes times = new CompletionTimes(SEED, s.realisticTimeFactor());
            List<SimulatedTask> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TaskScript script = TaskScript.done(times.next());
                // The baseline follows 10 tasks at a time and falls behind a burst: counted from creation, the
                // tasks it reaches late would be done at its first poll and its requests per task would look
                // cheap. Counted from its first poll, each task costs it what it costs when it keeps up.
                tasks.add(run.createTask(baseline ? script.fromFirstPoll() : script));
            }
            run.feed(tasks.stream().map(SimulatedTask::id).toList());
            boolean drained = run.awaitOutputs(timeout);
            WorkloadResult r = run.measure();
            Workload.noteIfCut(r, drained, baseline, timeout);
            long lastDone = tasks.stream().mapToLong(t -> t.finishedAt().map(at -> at.toEpochMilli()).orElse(0L))
                    .max().orElse(0);
            double lastDoneSeconds = Math.max(0, lastDone - run.feedStartMillis()) / 1e3;
            int rate = bridgeSetting(s, "dreamina.api.max-requests-per-second", 50);
            int batch = bridgeSetting(s, "dreamina.poll.batch-size", 50);
            double allowed = Math.max(lastDoneSeconds, (double) n / ((double) rate * batch));
            r.setting("timeFactor", s.realisticTimeFactor()).setting("cadenceMs", cadence.toMillis())
                    .setting("completionCountedFrom", baseline ? "first poll" : "creation")
                    .figure("lastTaskDoneSeconds", lastDoneSeconds)
                    .figure("drainAllowedByRateSeconds", allowed)
                    .figure("drainOverAllowed", Stats.ratio(r.number("drainSeconds"), allowed));
            r.row("API requests per completed task", WorkloadResult.format(r.number("requestsPerCompletedTask"))
                    + " (target: ≤ 1/20 of the baseline's, see baseline)");
            r.row("429 answers", r.number("api429"), "", Target.atMost(0));
            r.row("detection latency p50 (done -> output record)", WorkloadResult.format(r.number("detectionP50Ms"))
                    + " ms");
            r.row("detection latency p99", r.number("detectionP99Ms"), " ms",
                    Target.atMost(cadence.toMillis() + 1_000));
            r.row("drain time / allowed by the rate (" + WorkloadResult.format(allowed) + " s)",
                    r.number("drainOverAllowed"), "", Target.atMost(1.10));
            r.row("drain time", WorkloadResult.format(r.number("drainSeconds")) + " s");
            return r;
        }
    }

    /** The rate or batch the bridge runs with: the configuration's default unless the run overrides it. */
    private static int bridgeSetting(BenchSettings s, String key, int fallback) {
        String value = s.bridgeExtra().get(key);
        return value == null ? fallback : Integer.parseInt(value.trim());
    }
}
