package cloud.acedata.dreamina.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of another process as the operating system counts it: user plus system time from {@code /proc/PID/stat}
 * (every thread, living or ended: GC, JIT, Kafka client I/O included), and per thread from
 * {@code /proc/PID/task/TID/stat}, whose name field is the thread's native name (HotSpot gives its GC and compiler
 * threads names such as {@code GC Thread#0} or {@code C2 CompilerThre}, and Java threads their names cut to 15
 * characters). A thread that ended between two snapshots is only in the process's total ({@link #UNATTRIBUTED}).
 */
final class ProcessCpu {

    /** Clock ticks per second of the times in /proc (USER_HZ: 100 on Linux for every architecture in use). */
    static final double TICKS_PER_SECOND = 100.0;
    /** The kind under which the CPU no living thread shows is counted. */
    static final String UNATTRIBUTED = "unattributed (ended threads, kernel accounting)";

    private ProcessCpu() {
    }

    /** The process's total and its threads' CPU ticks at one moment. */
    record Snapshot(long totalTicks, Map<Long, ThreadTicks> threads) {
    }

    record ThreadTicks(String name, long ticks) {
    }

    static Snapshot snapshot(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long total = ticks(Files.readString(proc.resolve("stat")));
        Map<Long, ThreadTicks> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(name(stat), ticks(stat)));
                } catch (NoSuchFileException ended) {
                    // The thread ended while the folder was read: its time is in the process's total.
                }
            }
        }
        return new Snapshot(total, threads);
    }

    /** utime + stime of one line of /proc/PID/stat (fields 14 and 15, counted after the name in parentheses). */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The name between the first '(' and the last ')' (a name may hold spaces and parentheses). */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** The kind of work a native thread name stands for: gc, jit, vm, or the name without its numbers. */
    static String kind(String name) {
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("GC ")) {
            return "gc";
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre") || name.startsWith("Sweeper")) {
            return "jit";
        }
        if (name.equals("VM Thread") || name.startsWith("VM Periodic")) {
            return "vm (safepoints)";
        }
        return ThreadCpu.family(name);
    }

    /**
     * CPU seconds between two snapshots by kind of thread, largest first. The process's total less what its living
     * threads show is under {@value #UNATTRIBUTED}: the time of threads that ended in between, and the kernel's own
     * difference between a process's time and its threads' (each thread's time is scaled and rounded on its own; 40
     * threads that never end, busy for 10 s, showed 502 ticks against the process's 515 on 2026-12-02). In the bridge
     * it is a steady 3–4 % of the whole, though JFR sees only two Java threads end in its lifetime.
     */
    static Map<String, Double> secondsByKind(Snapshot from, Snapshot to) {
        Map<String, Long> ticks = new TreeMap<>();
        long counted = 0;
        for (Map.Entry<Long, ThreadTicks> entry : to.threads().entrySet()) {
            ThreadTicks before = from.threads().get(entry.getKey());
            long spent = entry.getValue().ticks() - (before == null ? 0 : before.ticks());
            ticks.merge(kind(entry.getValue().name()), spent, Long::sum);
            counted += spent;
        }
        long ended = to.totalTicks() - from.totalTicks() - counted;
        if (ended > 0) {
            ticks.put(UNATTRIBUTED, ended);
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        ticks.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> seconds.put(e.getKey(), e.getValue() / TICKS_PER_SECOND));
        return seconds;
    }

    static double seconds(Snapshot from, Snapshot to) {
        return (to.totalTicks() - from.totalTicks()) / TICKS_PER_SECOND;
    }
}
