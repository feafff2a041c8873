package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * <b>process</b>: the throughput workload's traffic (tasks done at their first poll, 1,000 requests/s, batch 100,
 * no API limit, cadence 1 s), 50,000 tasks, on the built jar run as a process of its own beside this JVM's broker
 * and simulator. Its figure is the whole process's CPU time as the operating system counts it ({@link ProcessCpu}:
 * GC, JIT, Kafka client I/O and logging included), from the first id fed until the last task is on the output
 * topic, per 1,000 tasks (target ≤ 0.2), with its shares by kind of thread. Needs {@code target/dreamina-bridge.jar}.
 *
 * <p>The environment is warmed first, once per benchmark JVM: a throwaway bridge process handles half the workload's
 * tasks before the measured one starts. A production broker has run for days; this one starts with the benchmark, and
 * on the same two cores its JIT warm-up and its slower answers (smaller fetches, more requests) raised the measured
 * process's CPU by up to half in the first run of a JVM (2026-12-02: 0.35 in the first round against 0.23–0.26 in the
 * next two). The measured bridge is always a new process, as cold as a deployment.
 */
final class ProcessWorkload implements Workload {

    static final int TASKS = 50_000;
    /** Whether this JVM's broker and simulator code have handled a bridge process's traffic yet. */
    private static final AtomicBoolean ENVIRONMENT_WARM = new AtomicBoolean();

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
        int warmUpTasks = Math.max(1, n / 2);
        Double warmUp = ENVIRONMENT_WARM.compareAndSet(false, true) ? warmEnvironment(env, warmUpTasks, timeout) : null;
        try (WorkloadRun run = new WorkloadRun(env, name(), false, Integer.MAX_VALUE, Duration.ZERO)) {
            double referenceBefore = HostSpeed.referenceMillis();
            Pass pass = Pass.run(run, n, timeout);
            WorkloadResult r = run.measure();
            double reference = (referenceBefore + HostSpeed.referenceMillis()) / 2;
            Workload.noteIfCut(r, pass.drained(), false, timeout);
            double seconds = ProcessCpu.seconds(pass.before(), pass.after());
            Map<String, Double> kinds = ProcessCpu.secondsByKind(pass.before(), pass.after());
            double completed = r.number("completed");
            r.figure("bridgeProcessCpuSeconds", seconds)
                    .figure("bridgeProcessCpuSecondsPer1000Tasks", Stats.ratio(seconds * 1000, completed))
                    .figure("bridgeProcessGcShare", Stats.ratio(kinds.getOrDefault("gc", 0.0), seconds))
                    .figure("bridgeProcessJitShare", Stats.ratio(kinds.getOrDefault("jit", 0.0), seconds))
                    .figure("bridgeProcessCpuSecondsByThreadKind", kinds)
                    .figure("hostReferenceJobCpuMillis", reference);
            if (warmUp != null) {
                r.setting("environmentWarmUpTasks", warmUpTasks);
                r.note(String.format("the environment (broker, simulator) was warmed first by a throwaway bridge "
                        + "process handling %,d tasks: that process's own figure, against the cold broker, was %.3f "
                        + "CPU s per 1,000 tasks", warmUpTasks, warmUp));
            }
            r.note("the bridge runs in its own process: the in-JVM CPU and heap figures (cpuSeconds, "
                    + "cpuSecondsByThreadFamily, heap*, rss*) are this benchmark JVM's, not the bridge's.");
            r.row("CPU s per 1,000 tasks (bridge process, whole)", r.number("bridgeProcessCpuSecondsPer1000Tasks"),
                    "", Target.atMost(0.2));
            r.row("share of it: GC / JIT", percent(r.number("bridgeProcessGcShare")) + " / "
                    + percent(r.number("bridgeProcessJitShare")));
            r.row("where it went (s, by thread kind)", String.valueOf(kinds.entrySet().stream().limit(8)
                    .map(e -> e.getKey() + "=" + WorkloadResult.format(e.getValue())).toList()));
            r.row("host: reference job CPU ms (HostSpeed; higher = a slower moment)", WorkloadResult.format(reference));
            r.row("end to end, tasks/s", WorkloadResult.format(r.number("tasksPerSecond")));
            r.row("drain time / tasks done", WorkloadResult.format(r.number("drainSeconds")) + " s / "
                    + WorkloadResult.format(completed));
            return r;
        }
    }

    /**
     * Runs {@code tasks} tasks through a bridge process of their own, on topics of their own, and stops it: the
     * broker's and the simulator's code paths are then compiled, as a production broker's are.
     *
     * @return that process's CPU s per 1,000 tasks (a cold broker beside it), for the report
     */
    private static double warmEnvironment(BenchEnv env, int tasks, Duration timeout) throws Exception {
        try (WorkloadRun run = new WorkloadRun(env, BenchSettings.PROCESS + "-warm-up", false, Integer.MAX_VALUE,
                Duration.ZERO)) {
            Pass pass = Pass.run(run, tasks, timeout);
            if (!pass.drained()) {
                throw new IllegalStateException("the warm-up bridge did not finish its " + tasks + " tasks in "
                        + timeout);
            }
            return ProcessCpu.seconds(pass.before(), pass.after()) * 1000 / tasks;
        }
    }

    /** One pass of the workload: its tasks fed to a new bridge process, and that process's CPU around it. */
    private record Pass(ProcessCpu.Snapshot before, ProcessCpu.Snapshot after, boolean drained) {

        static Pass run(WorkloadRun run, int tasks, Duration timeout) throws Exception {
            List<String> ids = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                ids.add(run.createTask(TaskScript.done(Duration.ZERO)).id());
            }
            ProcessSubject bridge = run.startProcessSubject(ThroughputWorkload.BRIDGE_SETTINGS);
            ProcessCpu.Snapshot before = ProcessCpu.snapshot(bridge.pid());
            run.feed(ids);
            boolean drained = run.awaitOutputs(timeout);
            return new Pass(before, ProcessCpu.snapshot(bridge.pid()), drained);
        }
    }

    private static String percent(double share) {
        return WorkloadResult.format(share * 100) + " %";
    }
}
