package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuaranteeComparisonTest {

    private static WorkloadResult run(String workload, String guarantee, Object... keyValues) {
        WorkloadResult result = new WorkloadResult(workload, "bridge").variant(guarantee);
        for (int i = 0; i < keyValues.length; i += 2) {
            result.figure((String) keyValues[i], keyValues[i + 1]);
        }
        return result;
    }

    private static WorkloadResult.Row row(WorkloadResult result, String startsWith) {
        return result.rows().stream().filter(r -> r.figure().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + startsWith + " in " + result.rows()));
    }

    @Test
    void throughputWithinTenPerCentIsTheRatioOfTheMediansAndCpuStaysBelowItsBound() {
        WorkloadResult into = GuaranteeComparison.result(100, 3);
        GuaranteeComparison.add(into, "throughput",
                List.of(run("throughput", "exactly-once", "tasksPerSecond", 7_000.0, "cpuSecondsPer1000Tasks", 0.07),
                        run("throughput", "exactly-once", "tasksPerSecond", 7_200.0, "cpuSecondsPer1000Tasks", 0.08),
                        run("throughput", "exactly-once", "tasksPerSecond", 5_000.0, "cpuSecondsPer1000Tasks", 0.09)),
                List.of(run("throughput", "at-least-once", "tasksPerSecond", 8_000.0, "cpuSecondsPer1000Tasks", 0.06),
                        run("throughput", "at-least-once", "tasksPerSecond", 7_800.0, "cpuSecondsPer1000Tasks", 0.05),
                        run("throughput", "at-least-once", "tasksPerSecond", 7_900.0, "cpuSecondsPer1000Tasks", 0.07)),
                100);

        // Medians 7,000 and 7,900: 0.886, below 0.9.
        WorkloadResult.Row ratio = row(into, "throughput: end to end tasks/s, exactly-once ÷ at-least-once");
        assertEquals("throughput: end to end tasks/s, exactly-once ÷ at-least-once (7,000 / 7,900)", ratio.figure());
        assertEquals("0.886", ratio.value());
        assertEquals("≥ 0.900", ratio.target());
        assertEquals(false, ratio.met());
        assertEquals(0.886, into.number("throughput.tasksPerSecond.exactlyOnceOverAtLeastOnce"));
        assertEquals(7_000.0, into.number("throughput.tasksPerSecond.exactly-once"));
        assertEquals(List.of(7_000.0, 7_200.0, 5_000.0), into.figures().get("throughput.tasksPerSecond.exactly-once.runs"));

        WorkloadResult.Row cpu = row(into, "throughput: CPU s per 1,000 tasks (bridge threads), exactly-once (");
        assertEquals("throughput: CPU s per 1,000 tasks (bridge threads), exactly-once (at-least-once: 0.060)",
                cpu.figure());
        assertEquals("0.080", cpu.value());
        assertEquals(true, cpu.met());
        assertEquals(0.02, into.number("throughput.cpuSecondsPer1000Tasks.exactlyOnceMinusAtLeastOnce"));
        assertTrue(into.notes().get(0).contains("median of a guarantee's 3 runs"), into.notes().get(0));
    }

    @Test
    void detectionP99MayRiseByTheCommitIntervalAtMost() {
        WorkloadResult into = GuaranteeComparison.result(100, 1);
        GuaranteeComparison.add(into, "trickle",
                List.of(run("trickle", "exactly-once", "detectionP99Ms", 1_090L, "detectionP50Ms", 560L)),
                List.of(run("trickle", "at-least-once", "detectionP99Ms", 1_000L, "detectionP50Ms", 500L)), 100);
        WorkloadResult.Row p99 = row(into, "trickle: detection latency p99");
        assertEquals("trickle: detection latency p99, exactly-once − at-least-once (1,090 / 1,000 ms)", p99.figure());
        assertEquals("90 ms", p99.value());
        assertEquals("≤ 100 ms", p99.target());
        assertEquals(true, p99.met());
        assertEquals("60 ms", row(into, "trickle: detection latency p50").value());
        assertTrue(!into.figures().containsKey("trickle.detectionP99Ms.exactly-once.runs"), "one run: no list");

        WorkloadResult later = GuaranteeComparison.result(100, 1);
        GuaranteeComparison.add(later, "trickle",
                List.of(run("trickle", "exactly-once", "detectionP99Ms", 1_150L)),
                List.of(run("trickle", "at-least-once", "detectionP99Ms", 1_000L)), 100);
        assertEquals(false, row(later, "trickle: detection latency p99").met());
    }

    @Test
    void latencyAndTheWholeProcessKeepTheirAbsoluteTargetsUnderExactlyOnce() {
        WorkloadResult into = GuaranteeComparison.result(100, 1);
        GuaranteeComparison.add(into, "latency",
                List.of(run("latency", "exactly-once", "sustainedRequestsPerSecondBusiest10s", 46.2, "api429", 0L,
                        "duplicates", 0L)),
                List.of(run("latency", "at-least-once", "sustainedRequestsPerSecondBusiest10s", 47.3, "api429", 0L,
                        "duplicates", 0L)),
                100);
        GuaranteeComparison.add(into, "process",
                List.of(run("process", "exactly-once", "bridgeProcessCpuSecondsPer1000Tasks", 0.31,
                        "bridgeProcessJitShare", 0.25, "bridgeProcessGcShare", 0.1)),
                List.of(run("process", "at-least-once", "bridgeProcessCpuSecondsPer1000Tasks", 0.29,
                        "bridgeProcessJitShare", 0.27, "bridgeProcessGcShare", 0.11)), 100);

        WorkloadResult.Row requests = row(into, "latency: requests/s over the busiest 10 s");
        assertEquals("46.20", requests.value());
        assertEquals(true, requests.met());
        assertTrue(requests.figure().contains("at-least-once: 47.30"), requests.figure());
        WorkloadResult.Row cpu = row(into, "process: CPU s per 1,000 tasks (bridge process, whole), exactly-once (");
        assertEquals("0.310", cpu.value());
        assertEquals(false, cpu.met());
        assertEquals("25 % / 27 %", row(into, "process: JIT share").value());
        assertEquals("10 % / 11 %", row(into, "process: GC share").value());
        assertEquals("0 / 0", row(into, "latency: duplicates seen (read_committed)").value());
        assertEquals("n/a / n/a", row(into, "latency: output offsets per record read").value(),
                "a figure the runs lack shows as n/a");
    }
}
