package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;

import java.util.List;

/**
 * The bridge under exactly-once beside the bridge under at-least-once, workload by workload: each guarantee's
 * median over its runs, and the ratios and differences the cost targets of exactly-once are stated in — throughput
 * within 10 % (tasks/s, exactly-once ÷ at-least-once ≥ 0.9), the latency workload still ≥ 45 requests/s, detection
 * latency p99 up by at most the commit interval (trickle), CPU per 1,000 tasks still ≤ 0.2 s (the bridge's threads
 * in throughput, the whole process in process).
 */
final class GuaranteeComparison {

    /** The name of the comparison's result and of its file, {@code target/bench/guarantees.json}. */
    static final String NAME = BenchSettings.GUARANTEES;

    private final WorkloadResult into;
    private final String workload;
    private final List<WorkloadResult> exactlyOnce;
    private final List<WorkloadResult> atLeastOnce;

    private GuaranteeComparison(WorkloadResult into, String workload, List<WorkloadResult> exactlyOnce,
                                List<WorkloadResult> atLeastOnce) {
        this.into = into;
        this.workload = workload;
        this.exactlyOnce = exactlyOnce;
        this.atLeastOnce = atLeastOnce;
    }

    /** The comparison's result, rows to be added workload by workload ({@link #add}). */
    static WorkloadResult result(long commitIntervalMs, int rounds) {
        WorkloadResult result = new WorkloadResult(NAME, "bridge").variant("exactly-once vs at-least-once");
        result.setting("commitIntervalMs", commitIntervalMs).setting("rounds", rounds);
        result.note("each figure is the median of a guarantee's " + rounds + " run" + (rounds == 1 ? "" : "s")
                + (rounds > 1 ? " (the guarantees' order reversed every other round)" : "") + "; a ratio is "
                + "exactly-once ÷ at-least-once, a difference exactly-once − at-least-once.");
        result.note("the output is read with isolation.level=read_committed: under exactly-once a finished task is "
                + "seen once the transaction holding it commits (every " + commitIntervalMs + " ms), and detection "
                + "latency includes that wait.");
        return result;
    }

    /** Adds the rows and figures of one workload to {@code into}; both lists hold at least one run. */
    static void add(WorkloadResult into, String workload, List<WorkloadResult> exactlyOnce,
                    List<WorkloadResult> atLeastOnce, long commitIntervalMs) {
        GuaranteeComparison c = new GuaranteeComparison(into, workload, exactlyOnce, atLeastOnce);
        switch (workload) {
            case "latency" -> {
                c.value("sustainedRequestsPerSecondBusiest10s", "requests/s over the busiest 10 s", "",
                        Target.atLeast(45));
                c.value("api429", "429 answers", "", Target.atMost(0));
                c.sideBySide("drainSeconds", "drain time", " s");
            }
            case "throughput" -> {
                c.ratio("tasksPerSecond", "end to end tasks/s", Target.atLeast(0.9));
                c.ratio("ingestRecordsPerSecond", "ingest records/s", null);
                c.value("cpuSecondsPer1000Tasks", "CPU s per 1,000 tasks (bridge threads)", "", Target.atMost(0.2));
                c.difference("cpuSecondsPer1000Tasks", "CPU s per 1,000 tasks (bridge threads)", " s", null);
                c.sideBySide("processCpuSeconds", "CPU s of the whole JVM", " s");
            }
            case "trickle" -> {
                c.difference("detectionP99Ms", "detection latency p99", " ms", Target.atMost(commitIntervalMs));
                c.difference("detectionP50Ms", "detection latency p50", " ms", null);
                c.sideBySide("requestsPerCompletedTask", "API requests per completed task", "");
            }
            case BenchSettings.PROCESS -> {
                c.value("bridgeProcessCpuSecondsPer1000Tasks", "CPU s per 1,000 tasks (bridge process, whole)", "",
                        Target.atMost(0.2));
                c.difference("bridgeProcessCpuSecondsPer1000Tasks", "CPU s per 1,000 tasks (bridge process, whole)",
                        " s", null);
                c.shares("bridgeProcessJitShare", "JIT share of it");
                c.shares("bridgeProcessGcShare", "GC share of it");
                c.ratio("tasksPerSecond", "end to end tasks/s", null);
            }
            case "realistic" -> {
                c.difference("detectionP99Ms", "detection latency p99", " ms", null);
                c.sideBySide("requestsPerCompletedTask", "API requests per completed task", "");
                c.sideBySide("drainSeconds", "drain time", " s");
            }
            case "scale" -> c.sideBySide("liveHeapShareMb", "the bridge's share of the live heap", " MB");
            default -> {
                // A workload without figures of its own here: the common rows below.
            }
        }
        c.sideBySide("completed", "tasks done", "");
        c.sideBySide("outputOffsetsPerRecord", "output offsets per record read (above 1: transaction markers)", "");
        c.sideBySide("duplicates", "duplicates seen (read_committed)", "");
    }

    /** The exactly-once figure against its target, the at-least-once one beside it in the label. */
    private void value(String key, String label, String unit, Target target) {
        double eo = median(exactlyOnce, key);
        double alo = median(atLeastOnce, key);
        into.row(workload + ": " + label + ", exactly-once (at-least-once: " + WorkloadResult.format(alo) + unit + ")",
                eo, unit, target);
    }

    /** exactly-once ÷ at-least-once, both figures in the label; against {@code target} when not null. */
    private void ratio(String key, String label, Target target) {
        double eo = median(exactlyOnce, key);
        double alo = median(atLeastOnce, key);
        double ratio = Stats.ratio(eo, alo);
        into.figure(workload + "." + key + ".exactlyOnceOverAtLeastOnce", ratio);
        String figure = workload + ": " + label + ", exactly-once ÷ at-least-once (" + WorkloadResult.format(eo)
                + " / " + WorkloadResult.format(alo) + ")";
        if (target == null) {
            into.row(figure, WorkloadResult.format(ratio));
        } else {
            into.row(figure, ratio, "", target);
        }
    }

    /** exactly-once − at-least-once, both figures in the label; against {@code target} when not null. */
    private void difference(String key, String label, String unit, Target target) {
        double eo = median(exactlyOnce, key);
        double alo = median(atLeastOnce, key);
        double difference = eo - alo;
        into.figure(workload + "." + key + ".exactlyOnceMinusAtLeastOnce", difference);
        String figure = workload + ": " + label + ", exactly-once − at-least-once (" + WorkloadResult.format(eo)
                + " / " + WorkloadResult.format(alo) + unit + ")";
        if (target == null) {
            into.row(figure, WorkloadResult.format(difference) + unit);
        } else {
            into.row(figure, difference, unit, target);
        }
    }

    /** Both figures, no target. */
    private void sideBySide(String key, String label, String unit) {
        into.row(workload + ": " + label + ", exactly-once / at-least-once", WorkloadResult.format(
                median(exactlyOnce, key)) + " / " + WorkloadResult.format(median(atLeastOnce, key)) + unit);
    }

    /** Both figures as percentages (they are fractions), no target. */
    private void shares(String key, String label) {
        into.row(workload + ": " + label + ", exactly-once / at-least-once", WorkloadResult.format(
                median(exactlyOnce, key) * 100) + " % / " + WorkloadResult.format(median(atLeastOnce, key) * 100)
                + " %");
    }

    /**
     * The median of a figure over a guarantee's runs, recorded under {@code <workload>.<key>.<guarantee>} (with the
     * runs' values under {@code ….runs} when there are several).
     */
    private double median(List<WorkloadResult> runs, String key) {
        List<Double> values = runs.stream().map(run -> run.number(key)).toList();
        double median = Stats.median(values);
        String guarantee = runs.get(0).variant();
        into.figure(workload + "." + key + "." + guarantee, median);
        if (runs.size() > 1) {
            into.figure(workload + "." + key + "." + guarantee + ".runs", values);
        }
        return median;
    }
}
