package cloud.acedata.dreamina.bridge.bench;

import java.time.Duration;

/** One of the benchmark's workloads, run on the bridge or on the baseline route. */
interface Workload {

    String name();

    /** What the workload puts through, in a line, at the run's scale. */
    String describe(BenchSettings settings);

    WorkloadResult run(BenchEnv env, boolean baseline) throws Exception;

    /** How long the run may take to drain: the baseline is stopped earlier, at its own limit. */
    static Duration timeout(BenchEnv env, boolean baseline) {
        BenchSettings s = env.settings();
        return baseline && s.baselineMaxTime().compareTo(s.timeout()) < 0 ? s.baselineMaxTime() : s.timeout();
    }

    /** A note for a baseline run that did not finish within its limit. */
    static void noteIfCut(WorkloadResult result, boolean drained, boolean baseline, Duration timeout) {
        if (!drained) {
            result.note((baseline ? "stopped at its limit" : "TIMED OUT") + " after " + timeout.toSeconds()
                    + " s: figures cover the " + WorkloadResult.format(result.number("completed")) + " tasks finished");
        }
    }
}
