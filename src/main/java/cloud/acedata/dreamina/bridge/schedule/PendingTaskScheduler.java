package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.api.ApiUnavailableException;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Consumes the pending topic and hands tasks to the {@link DueTaskHandler} when they are due, without ever
 * blocking the consumer: a partition whose next record is not due yet is sought back to that record and
 * {@linkplain KafkaConsumer#pause paused} until its due time, while {@code poll()} goes on (heartbeats, rebalances).
 * This is the non-blocking retry-topic pattern: in-flight state lives in Kafka, memory holds at most one poll.
 * <p>
 * Offsets are committed only after the handler returned for a batch, that is after every outcome was acknowledged.
 * When the handler fails, the partitions are sought back to their first unhandled record and paused: until the
 * API is available again ({@link ApiUnavailableException#retryAt()}), or for a short error pause otherwise.
 */
public final class PendingTaskScheduler implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingTaskScheduler.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);

    private final Supplier<KafkaConsumer<String, byte[]>> consumerFactory;
    /** Used by the scheduler's thread only (KafkaConsumer is not thread-safe), but for wakeup(). */
    private final String topic;
    private final int batchSize;
    private final Duration errorPause;
    private final DueTaskHandler handler;
    private final Clock clock;

    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** For health and metrics (observe/): read by other threads. */
    private volatile Instant lastLoopCompletedAt;
    private volatile boolean assigned;
    private volatile Instant oldestDue;

    public PendingTaskScheduler(Supplier<KafkaConsumer<String, byte[]>> consumerFactory, String topic, int batchSize,
                                Duration errorPause, DueTaskHandler handler, Clock clock) {
        this.consumerFactory = consumerFactory;
        this.topic = topic;
        this.batchSize = batchSize;
        this.errorPause = errorPause;
        this.handler = handler;
        this.clock = clock;
    }

    /** Creates the consumer here, so that a configuration error fails the start instead of a background thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = consumerFactory.get();
        running = true;
        thread = new Thread(this, "pending-task-scheduler");
        thread.start();
    }

    /**
     * Stops after the batch in hand is handled and committed, so a graceful stop neither loses nor repeats work.
     * Interrupts the consumer only when that takes longer than {@code timeout}.
     */
    public void stop(Duration timeout) throws InterruptedException {
        running = false;
        Thread current = thread;
        if (current == null) {
            return;
        }
        current.join(timeout.toMillis());
        if (current.isAlive()) {
            LOG.warn("Pending-task scheduler still busy after {} ms: interrupting it", timeout.toMillis());
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            current.join(timeout.toMillis());
        }
        thread = null;
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    /** When the poll loop last went round, or null before the first round. */
    public Instant lastLoopCompletedAt() {
        return lastLoopCompletedAt;
    }

    /** Whether the group has given this consumer its partitions (possibly none) and has not taken them away. */
    public boolean hasAssignment() {
        return assigned;
    }

    /** How late the oldest due task in hand (or left for an unavailable API) is; null when none is. */
    public Duration oldestDueAge() {
        Instant due = oldestDue;
        return due == null ? null : Duration.between(due, clock.instant());
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> c = consumer) {
            c.subscribe(List.of(topic), new ForgetRevoked());
            while (running) {
                resumeDuePartitions();
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(pollWait());
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("Polling the pending topic failed, retrying: {}", e.toString());
                    continue;
                }
                if (!records.isEmpty()) {
                    handle(records);
                }
                lastLoopCompletedAt = clock.instant();
            }
        } catch (WakeupException e) {
            LOG.info("Pending-task scheduler woken up to stop");
        } catch (RuntimeException e) {
            LOG.error("Pending-task scheduler stopped by an unexpected error", e);
            throw e;
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        DueRecords polled = DueRecords.of(records, clock.instant());
        polled.pauses().forEach((partition, pause) -> pauseAt(partition, pause.offset(), pause.until()));
        List<DueRecords.Due> due = polled.due();
        due.stream().map(d -> Instant.ofEpochMilli(d.task().dueAtMillis())).min(Instant::compareTo)
                .ifPresent(oldest -> oldestDue = oldest);
        for (int from = 0; from < due.size(); from += batchSize) {
            List<DueRecords.Due> batch = due.subList(from, Math.min(due.size(), from + batchSize));
            if (!handleBatch(batch, due.subList(from, due.size()))) {
                return;
            }
        }
        oldestDue = null;
    }

    /** @return whether the batch was handled and committed */
    private boolean handleBatch(List<DueRecords.Due> batch, List<DueRecords.Due> unhandled) {
        List<PendingTask> tasks = batch.stream().map(DueRecords.Due::task).toList();
        try {
            handler.handle(tasks);
        } catch (Exception e) {
            ApiUnavailableException unavailable = findCause(e, ApiUnavailableException.class);
            Instant retryAt;
            if (unavailable != null) {
                retryAt = unavailable.retryAt();
                LOG.debug("API unavailable ({}): {} tasks wait until {}", unavailable.getMessage(), unhandled.size(),
                        retryAt);
            } else {
                retryAt = clock.instant().plus(errorPause);
                LOG.warn("Handling {} due tasks failed; they stay pending and are retried in {} ms: {}",
                        batch.size(), errorPause.toMillis(), e.toString());
            }
            rewind(unhandled, retryAt);
            return false;
        }
        try {
            consumer.commitSync(DueRecords.nextOffsets(records(batch)));
        } catch (KafkaException e) {
            // The outcomes are written; the tasks will be handled again by whoever owns the partition next
            // (at-least-once). Keep going: a commit failure must not stop polling.
            LOG.warn("Committing {} handled pending tasks failed; they may be handled again: {}", batch.size(),
                    e.toString());
        }
        return true;
    }

    private void rewind(List<DueRecords.Due> unhandled, Instant until) {
        DueRecords.firstOffsets(records(unhandled)).forEach((partition, offset) -> consumer.seek(partition, offset));
        // The API is unavailable for every task, not only these: pause every partition of this instance.
        for (TopicPartition partition : consumer.assignment()) {
            Instant current = pausedUntil.get(partition);
            pausedUntil.put(partition, current != null && current.isAfter(until) ? current : until);
        }
        consumer.pause(consumer.assignment());
    }

    private void pauseAt(TopicPartition partition, long offset, Instant until) {
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        pausedUntil.merge(partition, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    private void resumeDuePartitions() {
        Instant now = clock.instant();
        List<TopicPartition> resume = new ArrayList<>();
        pausedUntil.entrySet().removeIf(entry -> {
            if (!entry.getValue().isAfter(now)) {
                resume.add(entry.getKey());
                return true;
            }
            return false;
        });
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    private Duration pollWait() {
        Instant now = clock.instant();
        Duration wait = MAX_POLL_WAIT;
        for (Instant until : pausedUntil.values()) {
            Duration left = Duration.between(now, until);
            if (left.compareTo(wait) < 0) {
                wait = left.isNegative() ? Duration.ZERO : left;
            }
        }
        return wait;
    }

    private static List<ConsumerRecord<String, byte[]>> records(List<DueRecords.Due> due) {
        return due.stream().map(DueRecords.Due::record).toList();
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A revoked partition's pause belongs to its next owner, who reads the same due times from the records. */
    private final class ForgetRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(pausedUntil::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Newly assigned partitions start unpaused from their committed offsets.
            assigned = true;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(pausedUntil::remove);
            assigned = false;
        }
    }
}
