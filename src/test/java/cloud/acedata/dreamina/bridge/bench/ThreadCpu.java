package cloud.acedata.dreamina.bridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU time of the system under test's threads, in a JVM that also hosts the broker, the API simulator and the
 * benchmark. A thread belongs to the subject when it started after the subject did and is none of the simulator's,
 * the benchmark's, the JVM's or the broker's (by name; and a new thread of a family that existed before the subject,
 * such as {@code kafka-scheduler-7}, is the broker's). Per-thread CPU time
 * ({@link com.sun.management.ThreadMXBean#getThreadCpuTime(long[])}) is sampled, so a thread that ends between two
 * samples loses at most one interval. GC and JIT threads are not Java threads: their CPU is only in the process's.
 */
final class ThreadCpu {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Set<Long> before = new HashSet<>();
    private final Set<String> familiesBefore = new HashSet<>();
    private final Map<Long, Long> atStart = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, String> otherNames = new HashMap<>();
    private long processAtStart;
    private long processLast;

    /** Take it just before the subject starts: the threads alive now are not the subject's. */
    ThreadCpu() {
        THREADS.setThreadCpuTimeEnabled(true);
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                before.add(info.getThreadId());
                familiesBefore.add(family(info.getThreadName()));
            }
        }
    }

    /** Starts the measurement: CPU spent by the subject until now (its start-up) is not counted. */
    synchronized void start() {
        sample();
        atStart.putAll(last);
        processAtStart = OS.getProcessCpuTime();
        processLast = processAtStart;
    }

    /** Notes the CPU time of every live thread of the subject. */
    synchronized void sample() {
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        long[] cpu = THREADS.getThreadCpuTime(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || cpu[i] < 0) {
                continue;
            }
            String name = infos[i].getThreadName();
            boolean existedBefore = before.contains(ids[i]);
            if (isSubject(name, existedBefore)) {
                last.put(ids[i], cpu[i]);
                names.putIfAbsent(ids[i], name);
            } else if (!existedBefore) {
                otherNames.putIfAbsent(ids[i], name);
            }
        }
        processLast = OS.getProcessCpuTime();
    }

    /** CPU seconds of the subject's threads since {@link #start()}. */
    synchronized double subjectSeconds() {
        long sum = 0;
        for (Map.Entry<Long, Long> entry : last.entrySet()) {
            sum += entry.getValue() - atStart.getOrDefault(entry.getKey(), 0L);
        }
        return sum / 1e9;
    }

    /** CPU seconds of the whole process (broker, simulator, benchmark, GC and JIT included) since {@link #start()}. */
    synchronized double processSeconds() {
        return (processLast - processAtStart) / 1e9;
    }

    /** The subject's threads counted, by family (name without its trailing number). */
    synchronized Map<String, Integer> families() {
        Map<String, Integer> families = new TreeMap<>();
        names.values().forEach(name -> families.merge(family(name), 1, Integer::sum));
        return families;
    }

    /** CPU seconds since {@link #start()} of the subject's threads, by family, the busiest first. */
    synchronized Map<String, Double> secondsByFamily() {
        Map<String, Double> byFamily = new HashMap<>();
        last.forEach((id, cpu) -> byFamily.merge(family(names.get(id)),
                (cpu - atStart.getOrDefault(id, 0L)) / 1e9, Double::sum));
        Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        byFamily.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), Stats.round(e.getValue(), 3)));
        return sorted;
    }

    /** Threads that started after the subject but were not counted as its own, by family: to check the split. */
    synchronized Map<String, Integer> otherFamilies() {
        Map<String, Integer> families = new TreeMap<>();
        otherNames.values().forEach(name -> families.merge(family(name), 1, Integer::sum));
        return families;
    }

    /**
     * Whether a thread is the subject's: one that started after the subject did and is neither the simulator's, the
     * benchmark's, the JVM's nor the broker's. Only one subject runs at a time, so every new Camel thread is its.
     */
    boolean isSubject(String name, boolean existedBefore) {
        if (existedBefore || isOther(name)) {
            return false;
        }
        if (name.startsWith("Camel (") || name.startsWith("pending-task-scheduler")
                || name.startsWith("kafka-producer-network-thread") || name.startsWith("kafka-coordinator-heartbeat-thread")
                || name.startsWith("consumer_background_thread")) {
            return true;
        }
        return !familiesBefore.contains(family(name));
    }

    /** Threads that are never the subject's: the simulator's, the benchmark's, the JVM's, the broker's. */
    static boolean isOther(String name) {
        return name.startsWith("tasks-api-simulator") || name.startsWith("HTTP-Dispatcher")
                || name.startsWith("bench-") || name.endsWith("| " + WorkloadRun.FEED_CLIENT)
                || name.endsWith("| " + OutputWatcher.CLIENT_ID)
                || name.equals("Attach Listener") || name.equals("Common-Cleaner") || name.equals("process reaper")
                || name.equals("Reference Handler") || name.equals("Finalizer") || name.equals("Signal Dispatcher")
                || name.startsWith("RMI ") || name.startsWith("JMX ") || isBroker(name);
    }

    /** The embedded broker's threads that it starts on demand (its fixed pools existed before the subject). */
    static boolean isBroker(String name) {
        return name.startsWith("executor-") || name.startsWith("data-plane-") || name.startsWith("ExpirationReaper")
                || name.startsWith("group-coordinator") || name.startsWith("share-coordinator")
                || name.startsWith("transaction-") || name.startsWith("kafka-scheduler") || name.startsWith("kafka-log")
                || name.startsWith("ReplicaFetcher") || name.startsWith("LogDirFailureHandler")
                || name.startsWith("kafka-request-handler") || name.startsWith("kafka-network-thread")
                || name.startsWith("broker-") || name.startsWith("controller-") || name.startsWith("quorum-")
                || name.startsWith("raft-") || name.startsWith("metadata-") || name.startsWith("ThrottledChannelReaper");
    }

    /**
     * A thread's name without its numbers at the end and after {@code #} or {@code camel-}: {@code kafka-scheduler-3}
     * and {@code kafka-scheduler-7} are one family, so are {@code Camel (camel-1) thread #8 - Split} and
     * {@code Camel (camel-1) thread #9 - Split}.
     */
    static String family(String name) {
        return name.replaceAll("(#|camel-)\\d+", "$1").replaceAll("\\d+$", "");
    }
}
