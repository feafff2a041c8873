package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * <b>process</b>: the throughput workload's traffic (tasks done at their first poll, 1,000 requests/s, batch 100,
 * no API limit, cadence 1 s), 50,000 tasks, on the built jar run as a process of its own beside this JVM's broker
 * and simulator. Its figure is the whole process's CPU time as the operating system counts it ({@link ProcessCpu}:
 * GC, JIT, Kafka client I/O and logging included), from the first id fed until the last task is on the output
 * topic, per 1,000 tasks (target ≤ 0.2), with its shares by kind of thread. Needs {@code target/dreamina-bridge.jar}.
 */
final class ProcessWorkload implements Workload {

    static final int TASKS = 50_000;

    @Override
    public String name() {
        return BenchSettings.PROCESS;
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%,d tasks done at their first poll, the built jar as its own process; client limit "
                + "1,000 requests/s, batch 100; no API limit; cadence 1 s", s.tasks(TASKS));
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        int n = env.settings().tasks(TASKS);
        Duration timeout = Workload.timeout(env, false);
        try (WorkloadRun run = new WorkloadRun(env, name(), false, Integer.MAX_VALUE, Duration.ZERO)) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(run.createTask(TaskScript.done(Duration.ZERO)).id());
            }
            ProcessSubject bridge = run.startProcessSubject(ThroughputWorkload.BRIDGE_SETTINGS);
            ProcessCpu.Snapshot before = ProcessCpu.snapshot(bridge.pid());
            run.feed(ids);
            boolean drained = run.awaitOutputs(timeout);
            ProcessCpu.Snapshot after = ProcessCpu.snapshot(bridge.pid());
            WorkloadResult r = run.measure();
            Workload.noteIfCut(r, drained, false, timeout);
            double seconds = ProcessCpu.seconds(before, after);
            Map<String, Double> kinds = ProcessCpu.secondsByKind(before, after);
            double completed = r.number("completed");
            r.figure("bridgeProcessCpuSeconds", seconds)
                    .figure("bridgeProcessCpuSecondsPer1000Tasks", Stats.ratio(seconds * 1000, completed))
                    .figure("bridgeProcessGcShare", Stats.ratio(kinds.getOrDefault("gc", 0.0), seconds))
                    .figure("bridgeProcessJitShare", Stats.ratio(kinds.getOrDefault("jit", 0.0), seconds))
                    .figure("bridgeProcessCpuSecondsByThreadKind", kinds);
            r.note("the bridge runs in its own process: the in-JVM CPU and heap figures (cpuSeconds, "
                    + "cpuSecondsByThreadFamily, heap*, rss*) are this benchmark JVM's, not the bridge's.");
            r.row("CPU s per 1,000 tasks (bridge process, whole)", r.number("bridgeProcessCpuSecondsPer1000Tasks"),
                    "", Target.atMost(0.2));
            r.row("share of it: GC / JIT", percent(r.number("bridgeProcessGcShare")) + " / "
                    + percent(r.number("bridgeProcessJitShare")));
            r.row("where it went (s, by thread kind)", String.valueOf(kinds.entrySet().stream().limit(8)
                    .map(e -> e.getKey() + "=" + WorkloadResult.format(e.getValue())).toList()));
            r.row("end to end, tasks/s", WorkloadResult.format(r.number("tasksPerSecond")));
            r.row("drain time / tasks done", WorkloadResult.format(r.number("drainSeconds")) + " s / "
                    + WorkloadResult.format(completed));
            return r;
        }
    }

    private static String percent(double share) {
        return WorkloadResult.format(share * 100) + " %";
    }
}
