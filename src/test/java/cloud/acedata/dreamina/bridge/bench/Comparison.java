package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;

import java.util.Map;

/**
 * The baseline route against the bridge, workload by workload: ratios of their figures, with the target
 * where it has one (realistic: the bridge makes at most 1/20 of the baseline's API requests per completed task).
 */
final class Comparison {

    private Comparison() {
    }

    /** Adds the rows and ratio figures of one workload to {@code into}. */
    static void add(WorkloadResult into, String workload, Map<String, Object> bridge, WorkloadResult baseline) {
        if (bridge == null) {
            into.row(workload, "no figures of the bridge: run -Dbench.scenario=" + workload + " (or all)");
            return;
        }
        double requests = Stats.ratio(baseline.number("requestsPerCompletedTask"), number(bridge,
                "requestsPerCompletedTask"));
        double tasksPerSecond = Stats.ratio(number(bridge, "tasksPerSecond"), baseline.number("tasksPerSecond"));
        into.figure(workload + ".requestsPerCompletedTask.baselineOverBridge", requests)
                .figure(workload + ".tasksPerSecond.bridgeOverBaseline", tasksPerSecond);
        String label = workload + ": API requests per completed task, baseline ÷ bridge ("
                + WorkloadResult.format(baseline.number("requestsPerCompletedTask")) + " / "
                + WorkloadResult.format(number(bridge, "requestsPerCompletedTask")) + ")";
        if (workload.equals("realistic")) {
            into.row(label, requests, "", Target.atLeast(20));
        } else if (!workload.equals("scale")) {
            into.row(label, WorkloadResult.format(requests));
        }
        if (!workload.equals("scale")) {
            into.row(workload + ": tasks/s, bridge ÷ baseline (" + WorkloadResult.format(number(bridge,
                    "tasksPerSecond")) + " / " + WorkloadResult.format(baseline.number("tasksPerSecond")) + ")",
                    WorkloadResult.format(tasksPerSecond));
            into.row(workload + ": detection latency p99, baseline / bridge",
                    WorkloadResult.format(baseline.number("detectionP99Ms")) + " / "
                            + WorkloadResult.format(number(bridge, "detectionP99Ms")) + " ms");
            into.row(workload + ": tasks done, baseline / bridge", WorkloadResult.format(baseline.number("completed"))
                    + " of " + WorkloadResult.format(baseline.number("tasks")) + " / "
                    + WorkloadResult.format(number(bridge, "completed")) + " of "
                    + WorkloadResult.format(number(bridge, "tasks")));
        }
        if (workload.equals("throughput")) {
            into.row(workload + ": CPU s per 1,000 tasks, baseline / bridge",
                    WorkloadResult.format(baseline.number("cpuSecondsPer1000Tasks")) + " / "
                            + WorkloadResult.format(number(bridge, "cpuSecondsPer1000Tasks")));
        }
        if (workload.equals("scale")) {
            into.row(workload + ": live heap share, baseline / bridge", WorkloadResult.format(
                    baseline.number("liveHeapShareMb")) + " / " + WorkloadResult.format(number(bridge,
                    "liveHeapShareMb")) + " MB (the baseline holds " + WorkloadResult.format(
                    baseline.number("inputCommitted")) + " tasks; the rest wait as input lag)");
        }
    }

    private static double number(Map<String, Object> figures, String key) {
        return figures.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
