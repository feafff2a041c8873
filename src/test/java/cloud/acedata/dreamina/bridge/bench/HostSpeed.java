package cloud.acedata.dreamina.bridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The CPU time of a fixed reference job on the calling thread — hashing, boxing, sorting and allocating, as much of
 * the bridge's own work is — as a gauge of how fast this shared host's cores are at the moment: the same work costs
 * more CPU time when other tenants share the core's caches and its hyper-thread. Taken around a measured run, it
 * tells a slow moment of the host from a slow bridge: a guide, not a correction (over 18 runs of the process workload
 * on 2026-12-02 it correlated with the bridge's CPU figure at r = 0.60).
 */
final class HostSpeed {

    private static final int KEYS = 400_000;
    /** Where the job's result goes, so that the JIT cannot drop the work as unused. */
    private static volatile long result;

    private HostSpeed() {
    }

    /** The reference job's CPU milliseconds: the median of three runs, after one run that warms the JIT. */
    static double referenceMillis() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        result = job();
        double[] millis = new double[3];
        for (int i = 0; i < millis.length; i++) {
            long start = threads.getCurrentThreadCpuTime();
            result = job();
            millis[i] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[1];
    }

    private static long job() {
        Random random = new Random(7);
        Map<String, Long> map = new HashMap<>();
        long[] values = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            long value = random.nextLong();
            values[i] = value;
            map.put(Long.toHexString(value), value);
        }
        Arrays.sort(values);
        long sum = 0;
        for (int i = 0; i < KEYS; i += 3) {
            Long found = map.get(Long.toHexString(values[i]));
            sum += found == null ? 0 : found;
        }
        return sum;
    }
}
