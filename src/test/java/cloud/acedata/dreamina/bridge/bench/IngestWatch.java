package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.KafkaTestClient;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the input group's committed offsets (every 250 ms) and notes when they first cover every record fed:
 * the ingest time (input read, task parked on the pending topic, offset committed).
 */
final class IngestWatch {

    private final KafkaTestClient client;
    private final String group;
    private final String topic;
    private final long startNanos;
    private volatile long target = Long.MAX_VALUE;
    private volatile long committed;
    private volatile long reachedNanos;
    private volatile boolean running = true;
    private Thread thread;

    IngestWatch(KafkaTestClient client, String group, String topic, long startNanos) {
        this.client = client;
        this.group = group;
        this.topic = topic;
        this.startNanos = startNanos;
    }

    IngestWatch start() {
        thread = new Thread(this::run, "bench-ingest-watch");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** The number of input records fed; ingest is complete once the committed offsets reach it. */
    void expect(long records) {
        target = records;
    }

    long committed() {
        return committed;
    }

    /** Seconds from the start of the feed to every record committed; NaN if not (yet). */
    double seconds() {
        long reached = reachedNanos;
        return reached == 0 ? Double.NaN : (reached - startNanos) / 1e9;
    }

    /** Stops watching, after one last look. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(5_000);
        sample();
    }

    private void run() {
        while (running && reachedNanos == 0) {
            sample();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    private synchronized void sample() {
        if (reachedNanos != 0) {
            return;
        }
        try {
            committed = client.committedOffset(group, topic);
        } catch (IllegalStateException notYet) {
            return; // the group has not committed yet, or the broker is busy: the next sample will tell
        }
        if (committed >= target) {
            reachedNanos = System.nanoTime();
        }
    }
}
