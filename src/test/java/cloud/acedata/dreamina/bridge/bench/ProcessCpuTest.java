package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcessCpuTest {

    private static String stat(String name, long utime, long stime) {
        return "4242 (" + name + ") S 1 4242 4242 0 -1 4194368 100 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 30 0 288301 3133440 383 18446744073709551615 0";
    }

    @Test
    void readsUserAndSystemTicksAfterANameWithSpacesAndParentheses() {
        String line = stat("C2 CompilerThre) x (", 120, 30);
        assertEquals(150, ProcessCpu.ticks(line));
        assertEquals("C2 CompilerThre) x (", ProcessCpu.name(line));
    }

    @Test
    void sortsNativeThreadNamesIntoKinds() {
        assertEquals("gc", ProcessCpu.kind("GC Thread#1"));
        assertEquals("gc", ProcessCpu.kind("G1 Conc#0"));
        assertEquals("jit", ProcessCpu.kind("C1 CompilerThre"));
        assertEquals("vm (safepoints)", ProcessCpu.kind("VM Thread"));
        assertEquals("kafka-producer-", ProcessCpu.kind("kafka-producer-"));
        assertEquals("Camel (dreamina", ProcessCpu.kind("Camel (dreamina"));
    }

    @Test
    void splitsTheDifferenceByKindAndCountsEndedThreadsApart() {
        ProcessCpu.Snapshot from = new ProcessCpu.Snapshot(1_000, Map.of(
                1L, new ProcessCpu.ThreadTicks("GC Thread#0", 100),
                2L, new ProcessCpu.ThreadTicks("C2 CompilerThre", 300)));
        ProcessCpu.Snapshot to = new ProcessCpu.Snapshot(1_600, Map.of(
                1L, new ProcessCpu.ThreadTicks("GC Thread#0", 150),
                2L, new ProcessCpu.ThreadTicks("C2 CompilerThre", 400),
                3L, new ProcessCpu.ThreadTicks("GC Thread#1", 50)));
        Map<String, Double> kinds = ProcessCpu.secondsByKind(from, to);
        assertEquals(6.0, ProcessCpu.seconds(from, to), 1e-9);
        assertEquals(1.0, kinds.get("gc"), 1e-9);
        assertEquals(1.0, kinds.get("jit"), 1e-9);
        assertEquals(4.0, kinds.get(ProcessCpu.UNATTRIBUTED), 1e-9);
        assertEquals(ProcessCpu.UNATTRIBUTED, kinds.keySet().iterator().next());
    }
}
