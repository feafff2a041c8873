package cloud.acedata.dreamina.bridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Every 200 ms: the subject's thread CPU ({@link ThreadCpu}), the heap in use and the process's resident memory.
 * Peaks are kept from {@link #start()} or the last {@link #resetPeaks()}.
 */
final class ResourceSampler {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MB = 1024 * 1024;

    private final ThreadCpu cpu;
    private volatile boolean running;
    private volatile long heapPeak;
    private volatile long rssPeak;
    private boolean hwmReset;
    private Thread thread;

    ResourceSampler(ThreadCpu cpu) {
        this.cpu = cpu;
    }

    void start() {
        cpu.start();
        resetPeaks();
        running = true;
        thread = new Thread(this::run, "bench-resource-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Peaks from now on: heap pools' peak usage, the sampled heap and RSS, and the kernel's VmHWM when allowed. */
    synchronized void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        hwmReset = ProcStatus.resetPeak();
        heapPeak = heapUsed();
        rssPeak = ProcStatus.read().rssBytes();
    }

    /** Stops sampling, after one last sample. */
    Resources stop() throws InterruptedException {
        halt();
        sampleOnce();
        ProcStatus status = ProcStatus.read();
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                poolPeaks += pool.getPeakUsage().getUsed();
            }
        }
        return new Resources(cpu.subjectSeconds(), cpu.processSeconds(), heapPeak / MB, poolPeaks / MB,
                rssPeak / MB, status.peakRssBytes() / MB, hwmReset);
    }

    /** Stops sampling, if it started, without a last sample: for a run that ends without its figures. */
    void halt() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(5_000);
        }
    }

    ThreadCpu cpu() {
        return cpu;
    }

    private void run() {
        while (running) {
            sampleOnce();
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    private void sampleOnce() {
        cpu.sample();
        heapPeak = Math.max(heapPeak, heapUsed());
        rssPeak = Math.max(rssPeak, ProcStatus.read().rssBytes());
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap in use after two forced full collections: the live set of the whole JVM, in MB. */
    static long liveHeapMb() {
        System.gc();
        System.gc();
        return heapUsed() / MB;
    }

    /**
     * What was measured, in seconds and MB.
     *
     * @param subjectCpuSeconds CPU of the subject's threads ({@link ThreadCpu})
     * @param processCpuSeconds CPU of the whole JVM
     * @param heapPeakMb        the most heap in use at one sample (whole JVM)
     * @param heapPoolPeaksMb   the sum of the heap pools' own peaks (an upper bound: pools peak at different times)
     * @param rssPeakMb         the most VmRSS at one sample
     * @param vmHwmMb           the kernel's VmHWM at the end: since the start of the run when {@code hwmReset}, since
     *                          the JVM's start otherwise
     */
    record Resources(double subjectCpuSeconds, double processCpuSeconds, long heapPeakMb, long heapPoolPeaksMb,
                     long rssPeakMb, long vmHwmMb, boolean hwmReset) {
    }
}
