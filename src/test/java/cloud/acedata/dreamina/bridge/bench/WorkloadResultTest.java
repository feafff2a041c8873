package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadResultTest {

    @Test
    void targetsAreMetOrNot() {
        assertTrue(Target.atLeast(45).metBy(45));
        assertFalse(Target.atLeast(45).metBy(44.9));
        assertTrue(Target.atMost(0).metBy(0));
        assertFalse(Target.atMost(0.55).metBy(0.56));
        assertFalse(Target.atMost(1).metBy(Double.NaN), "no figure meets no target");
    }

    @Test
    void aRowShowsTheTargetBesideTheFigure() {
        WorkloadResult result = new WorkloadResult("trickle", "bridge")
                .row("API requests per completed task", 0.5, "", Target.atMost(0.55))
                .row("ids per request", "12.50");
        assertEquals(new WorkloadResult.Row("API requests per completed task", "0.500", "≤ 0.550", true),
                result.rows().get(0));
        assertNull(result.rows().get(1).met());
    }

    @Test
    void aBarInsideACellIsEscaped() {
        assertEquals("kafka-producer-network-thread \\| producer-1", ReportTable.cell("kafka-producer-network-thread | producer-1"));
    }

    @Test
    void theBaselineIsShownWithoutTheBridgesTargets() {
        WorkloadResult.Row row = new WorkloadResult("trickle", "baseline")
                .row("API requests per completed task", 11, "", Target.atMost(0.55)).rows().get(0);
        assertNull(row.target());
        assertEquals("11", row.value());
    }

    @Test
    void figuresAreRoundedAndReadBack() {
        WorkloadResult result = new WorkloadResult("latency", "bridge").figure("x", 1.0 / 3).figure("n", 7)
                .figure("name", "text");
        assertEquals(0.333, result.number("x"));
        assertEquals(7, result.number("n"));
        assertTrue(Double.isNaN(result.number("name")));
        assertTrue(Double.isNaN(result.number("absent")));
        assertEquals("12,345", WorkloadResult.format(12_345));
        assertEquals("n/a", WorkloadResult.format(Double.NaN));
    }

    @Test
    void theComparisonDividesTheBaselinesFiguresByTheBridges() {
        WorkloadResult baseline = new WorkloadResult("realistic", "baseline")
                .figure("requestsPerCompletedTask", 8.0).figure("tasksPerSecond", 2.0);
        WorkloadResult into = new WorkloadResult("baseline", "baseline vs bridge");
        Comparison.add(into, "realistic", Map.of("requestsPerCompletedTask", 0.2, "tasksPerSecond", 100.0), baseline);

        assertEquals(40.0, into.number("realistic.requestsPerCompletedTask.baselineOverBridge"));
        assertEquals(50.0, into.number("realistic.tasksPerSecond.bridgeOverBaseline"));
        assertEquals(Boolean.TRUE, into.rows().get(0).met(), "the realistic target: at least 20 times fewer");
    }
}
