package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Consumes the pending topic and hands tasks to the {@link BatchHandler} when they are due, several batches at a
 * time, without ever blocking the consumer: a partition whose next record is not due yet is sought back to that
 * record and {@linkplain org.apache.kafka.clients.consumer.KafkaConsumer#pause paused} until then, while
 * {@code poll()} goes on (heartbeats, rebalances). In-flight state lives in Kafka; memory holds the tasks due within
 * the coalescing window and the batches in flight (bounded: reading pauses when they fill up).
 * <ul>
 *   <li><b>Requests in flight.</b> Up to {@code maxInFlight} batches are handled at once on worker threads (the API's
 *       latency no longer sets the pace; the rate limiter still spaces the requests).</li>
 *   <li><b>Ordered commits.</b> A pending record's offset is committed only once its outcome was acknowledged, and
 *       never past an earlier record whose outcome is not ({@link PartitionProgress}).</li>
 *   <li><b>Batches that fill</b> ({@link ReadyTasks}), and failing requests isolated until the failing task stands
 *       alone on its own backoff.</li>
 *   <li><b>A failed write</b> rewinds its partition to the first record not written and pauses it; records already
 *       written are not written again when read again.</li>
 *   <li><b>Stop</b> within {@code stopTimeout}: no new batch, the batches in flight finish (or, still waiting for
 *       the API, are given up — never half written), their offsets committed.</li>
 *   <li><b>Rebalance:</b> a revoked partition's batches finish and are committed before it goes; this instance's
 *       share of the rate budget follows its share of the partitions.</li>
 *   <li><b>Crash:</b> an unexpected error restarts the consumer (committed offsets are safe); five within five
 *       minutes stop the bridge through {@code fatal}.</li>
 * </ul>
 */
public final class PendingTaskScheduler implements Runnable {

    /** How the scheduler works; see {@code config/application.properties}. */
    public record Settings(String topic, int batchSize, int maxInFlight, Duration coalesce, Duration errorPause,
                           Duration unwritablePause, Duration stopTimeout) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(PendingTaskScheduler.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);
    /** How often the loop looks at finished batches while some are in flight. */
    private static final Duration IN_FLIGHT_POLL_WAIT = Duration.ofMillis(5);
    /** Batches already writing when the stop came get this long to finish (their writes are bounded by Kafka's). */
    private static final Duration WRITE_GRACE = Duration.ofSeconds(5);
    private static final int MAX_RESTARTS = 5;
    /** Polls failing in a row before the consumer is restarted. */
    private static final int MAX_FAILED_POLLS = 10;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(5);

    private final Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory;
    private final Settings settings;
    private final BatchHandler handler;
    /** When the API may be asked again (now or in the past: it may). */
    private final Supplier<Instant> apiOpenAt;
    private final RateShare rateShare;
    private final Backoff taskBackoff;
    private final ExecutorService loopExecutor;
    private final ExecutorService workers;
    private final Consumer<Throwable> fatal;
    private final Clock clock;

    // Used by the scheduler's thread only (KafkaConsumer is not thread-safe), unless noted.
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final ReadyTasks ready = new ReadyTasks();
    private final Map<BatchTicket, Batch> inFlight = new IdentityHashMap<>();
    /** Finished batches, handed from the workers to the scheduler's thread. */
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final Deque<Instant> restarts = new ArrayDeque<>();
    private boolean unwritableLogged;
    private int failedPolls;
    /** The assignment changed: the rate share is told after the poll (never inside Kafka's callback). */
    private boolean assignmentChanged;

    private volatile boolean running;
    private volatile Future<?> loop;
    private volatile Instant lastLoopAt;
    private volatile boolean assigned;
    private volatile long oldestDueMillis = -1;

    /** Tells the rate limiter this instance's share of the pending partitions: {@code owned} of {@code total}. */
    @FunctionalInterface
    public interface RateShare {
        void owns(int owned, int total);
    }

    private record Batch(List<ReadyTasks.Entry> entries, BatchTicket ticket) {
    }

    private record Finished(Batch batch, BatchResult result) {
    }

    public PendingTaskScheduler(Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory,
                                Settings settings, BatchHandler handler, Supplier<Instant> apiOpenAt, RateShare rateShare,
                                Backoff taskBackoff, ExecutorService loopExecutor, ExecutorService workers,
                                Consumer<Throwable> fatal, Clock clock) {
        this.consumerFactory = consumerFactory;
        this.settings = settings;
        this.handler = handler;
        this.apiOpenAt = apiOpenAt;
        this.rateShare = rateShare;
        this.taskBackoff = taskBackoff;
        this.loopExecutor = loopExecutor;
        this.workers = workers;
        this.fatal = fatal;
        this.clock = clock;
    }

    /** Creates the consumer here, so that a configuration error fails the start instead of a background thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = consumerFactory.get();
        running = true;
        lastLoopAt = clock.instant();
        loop = loopExecutor.submit(this);
    }

    /**
     * Stops within {@code stopTimeout}: hands over what is in flight, commits, closes the consumer.
     *
     * @return whether the scheduler stopped in time
     */
    public boolean stop() throws InterruptedException {
        running = false;
        Future<?> current = loop;
        if (current == null) {
            return true;
        }
        try {
            current.get(settings.stopTimeout().plus(WRITE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Pending-task scheduler still busy after {} ms", settings.stopTimeout().plus(WRITE_GRACE)
                    .toMillis());
            return false;
        }
    }

    /** Whether the loop runs (false once stopped or dead). */
    public boolean isRunning() {
        Future<?> current = loop;
        return running && current != null && !current.isDone();
    }

    /** When the loop last went round; a loop that stops going round is stuck. */
    public Instant lastLoopCompletedAt() {
        return lastLoopAt;
    }

    /** Whether the group gave this instance pending partitions (false until the first assignment). */
    public boolean hasAssignment() {
        return assigned;
    }

    /** How long the longest-waiting ready task is past its due time; null when none is. */
    public Duration oldestDueAge() {
        long due = oldestDueMillis;
        if (due < 0) {
            return null;
        }
        long age = clock.millis() - due;
        return age > 0 ? Duration.ofMillis(age) : null;
    }

    @Override
    public void run() {
        while (running) {
            try {
                runConsumer();
            } catch (RuntimeException | Error e) {
                LOG.error("Pending-task scheduler failed; its consumer is restarted (committed offsets are safe)", e);
                forgetEverything();
                failedPolls = 0;
                if (!mayRestart()) {
                    running = false;
                    LOG.error("Pending-task scheduler failed {} times within {}: stopping the bridge",
                            MAX_RESTARTS, RESTART_WINDOW);
                    fatal.accept(e);
                    return;
                }
                try {
                    Thread.sleep(1000L * restarts.size());
                    consumer = consumerFactory.get();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException again) {
                    LOG.error("Pending-task scheduler could not create its consumer: {}", again.toString());
                }
            }
        }
    }

    private boolean mayRestart() {
        Instant now = clock.instant();
        restarts.addLast(now);
        while (!restarts.isEmpty() && restarts.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
            restarts.removeFirst();
        }
        return restarts.size() < MAX_RESTARTS;
    }

    private void runConsumer() {
        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c = consumer;
        if (c == null) {
            throw new IllegalStateException("no pending-topic consumer");
        }
        try (c) {
            c.subscribe(List.of(settings.topic()), new Rebalance());
            while (running) {
                loopOnce();
                lastLoopAt = clock.instant();
            }
            finishAll(progress.keySet());
        } finally {
            consumer = null;
            assigned = false;
        }
    }

    private void loopOnce() {
        applyFinished();
        commit(false);
        dispatch();
        applyPauses();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(pollWait());
            failedPolls = 0;
        } catch (KafkaException e) {
            if (++failedPolls >= MAX_FAILED_POLLS) {
                throw new IllegalStateException("the pending-topic consumer failed " + failedPolls + " polls in a row",
                        e);
            }
            LOG.warn("Polling the pending topic failed, retrying: {}", e.toString());
            pauseAfterFailedPoll();
            return;
        }
        if (assignmentChanged) {
            assignmentChanged = false;
            shareRate();
        }
        if (!records.isEmpty()) {
            take(records);
        }
        OptionalLong first = ready.firstDue();
        oldestDueMillis = first.isPresent() ? first.getAsLong() : -1;
    }

    /** A failing poll is tried again after 50, 100, 200 … ms, not in a hot loop. */
    private void pauseAfterFailedPoll() {
        try {
            Thread.sleep(50L << Math.min(failedPolls, 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Sorts what one poll returned: into the ready tasks, or back onto the partition until it is due. */
    private void take(ConsumerRecords<byte[], byte[]> records) {
        long now = clock.millis();
        long horizon = now + settings.coalesce().toMillis();
        for (TopicPartition partition : records.partitions()) {
            PartitionProgress p = progress.get(partition);
            if (p == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (!p.isNew(record.offset())) {
                    p.read(record.offset());
                    continue;
                }
                PendingTask task = task(record);
                if (task.dueAtMillis() > horizon) {
                    consumer.seek(partition, record.offset());
                    p.soughtTo(record.offset());
                    pausedUntil.merge(partition, task.dueAtMillis() - settings.coalesce().toMillis(), Math::max);
                    break;
                }
                // Read again after a stop that left a gap: the copy this task was written back as stands for it.
                ready.supersede(partition, task.trackingId(), record.offset())
                        .ifPresent(earlier -> p.done(earlier.offset()));
                p.queued(record.offset());
                ready.add(new ReadyTasks.Entry(partition, record.offset(), task, 0, 0, 0));
            }
        }
    }

    /** Hands ready batches to the workers while the API may be asked and a worker is free. */
    private void dispatch() {
        if (!running) {
            return;
        }
        long now = clock.millis();
        while (inFlight.size() < settings.maxInFlight() && !ready.isEmpty()
                && !apiOpenAt.get().isAfter(clock.instant())) {
            List<ReadyTasks.Entry> entries = ready.takeBatch(now, settings.batchSize(),
                    settings.coalesce().toMillis());
            if (entries.isEmpty()) {
                return;
            }
            Batch batch = new Batch(entries, new BatchTicket());
            for (ReadyTasks.Entry entry : entries) {
                progress.get(entry.partition()).inFlight(entry.offset());
            }
            inFlight.put(batch.ticket(), batch);
            List<PendingTask> tasks = entries.stream().map(ReadyTasks.Entry::task).toList();
            workers.execute(() -> finished.add(new Finished(batch, handleSafely(tasks, batch.ticket()))));
        }
    }

    private BatchResult handleSafely(List<PendingTask> tasks, BatchTicket ticket) {
        try {
            return handler.handle(tasks, ticket);
        } catch (RuntimeException e) {
            LOG.warn("Handling {} due tasks failed unexpectedly; they are read again: {}", tasks.size(), e.toString());
            return new BatchResult(BatchResult.Kind.WRITE_FAILED, new BitSet(), e.toString(), null);
        }
    }

    /** Applies what the workers finished: done, back in the queue, isolated, or read again after a pause. */
    private void applyFinished() {
        List<Finished> batch = new ArrayList<>();
        finished.drainTo(batch);
        batch.forEach(this::apply);
    }

    private void apply(Finished f) {
        if (inFlight.remove(f.batch().ticket()) == null) {
            return; // from before a restart
        }
        BatchResult result = f.result();
        List<ReadyTasks.Entry> entries = f.batch().entries();
        long now = clock.millis();
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        boolean unwritable = result.kind() == BatchResult.Kind.TOPIC_UNWRITABLE;
        for (int i = 0; i < entries.size(); i++) {
            ReadyTasks.Entry entry = entries.get(i);
            PartitionProgress p = progress.get(entry.partition());
            if (p == null) {
                continue; // revoked meanwhile: its next owner reads it from the committed offset
            }
            if (result.isWritten(i)) {
                p.done(entry.offset());
                continue;
            }
            switch (result.kind()) {
                case API_UNAVAILABLE, ABANDONED -> requeue(p, entry);
                case REQUEST_FAILED -> requeue(p, entries.size() > 1 ? entry.isolated()
                        : entry.failedAlone(now + taskBackoff.delay(entry.failures() + 1).toMillis()));
                default -> {
                    p.readAgain(entry.offset());
                    rewind.merge(entry.partition(), entry.offset(), Math::min);
                }
            }
        }
        if (!rewind.isEmpty()) {
            Duration pause = unwritable ? settings.unwritablePause() : settings.errorPause();
            if (unwritable && !unwritableLogged) {
                LOG.error("A topic refuses the bridge's writes ({}): the pending tasks wait; retried every {} ms",
                        result.reason(), pause.toMillis());
                unwritableLogged = true;
            } else {
                LOG.warn("Writing the outcomes of {} due tasks failed; they are read again in {} ms: {}",
                        rewind.size(), pause.toMillis(), result.reason());
            }
            rewind.forEach((partition, offset) -> {
                consumer.seek(partition, progress.get(partition).rewindTo(offset));
                pausedUntil.merge(partition, now + pause.toMillis(), Math::max);
            });
        } else if (result.kind() == BatchResult.Kind.DONE) {
            unwritableLogged = false;
        }
    }

    private void requeue(PartitionProgress p, ReadyTasks.Entry entry) {
        p.requeued(entry.offset());
        ready.add(entry);
    }

    /**
     * Commits each partition up to its first record not done, with the records done beyond it in the metadata
     * ({@link DoneOffsets}): asynchronously while running (when the offset moved), synchronously at a stop or a
     * revocation (also when only the records done beyond it changed: the next owner must not handle them again).
     */
    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, p) -> {
            long point = p.commitPoint();
            if (point < 0) {
                return;
            }
            String done = DoneOffsets.encode(point, p.doneAfter(point));
            if (sync ? p.isNews(point, done) : point > p.committedOffset()) {
                offsets.put(partition, new OffsetAndMetadata(point, done));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            if (sync) {
                consumer.commitSync(offsets);
            } else {
                consumer.commitAsync(offsets, (committed, failure) -> {
                    if (failure != null) {
                        LOG.warn("Committing handled pending tasks failed; they may be handled again: {}",
                                failure.toString());
                    }
                });
            }
            offsets.forEach((partition, offset) -> {
                PartitionProgress p = progress.get(partition);
                if (p != null) {
                    p.committed(offset.offset(), offset.metadata());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("Committing handled pending tasks failed; they may be handled again: {}", e.toString());
        }
    }

    /** Pauses the partitions that wait (not due, after an error) or, when memory is full, every partition. */
    private void applyPauses() {
        long now = clock.millis();
        pausedUntil.values().removeIf(until -> until <= now);
        boolean full = ready.size() + inFlight.size() * settings.batchSize()
                >= 2 * settings.batchSize() * settings.maxInFlight() + settings.batchSize() * 4;
        Set<TopicPartition> assignment = consumer.assignment();
        Set<TopicPartition> pause = new HashSet<>();
        for (TopicPartition partition : assignment) {
            if (full || pausedUntil.containsKey(partition)) {
                pause.add(partition);
            }
        }
        Set<TopicPartition> paused = consumer.paused();
        List<TopicPartition> resume = paused.stream().filter(p -> !pause.contains(p)).toList();
        List<TopicPartition> toPause = pause.stream().filter(p -> !paused.contains(p)).toList();
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
    }

    private Duration pollWait() {
        if (!inFlight.isEmpty()) {
            return IN_FLIGHT_POLL_WAIT;
        }
        long now = clock.millis();
        long wait = MAX_POLL_WAIT.toMillis();
        for (long until : pausedUntil.values()) {
            wait = Math.min(wait, until - now);
        }
        OptionalLong first = ready.firstDue();
        if (first.isPresent()) {
            wait = Math.min(wait, Math.max(first.getAsLong(), apiOpenAt.get().toEpochMilli()) - now);
        }
        return Duration.ofMillis(Math.max(1, wait));
    }

    /**
     * Lets the batches of these partitions finish (giving up those still waiting for the API after the drain time),
     * then commits them synchronously: on stop and on a rebalance.
     */
    private void finishAll(Collection<TopicPartition> partitions) {
        Set<TopicPartition> leaving = new HashSet<>(partitions);
        long deadline = clock.millis() + settings.stopTimeout().toMillis();
        boolean abandoned = false;
        while (hasInFlight(leaving)) {
            long left = deadline - clock.millis();
            if (left <= 0 && !abandoned) {
                int given = 0;
                for (Batch batch : List.copyOf(inFlight.values())) {
                    if (touches(batch, leaving) && batch.ticket().abandon()) {
                        // Never written: its tasks stay uncommitted and are read again by the next owner.
                        inFlight.remove(batch.ticket());
                        given++;
                    }
                }
                LOG.warn("{} batches still waiting for the API after {} ms: given up unwritten, read again by the "
                        + "next owner", given, settings.stopTimeout().toMillis());
                abandoned = true;
                deadline = clock.millis() + WRITE_GRACE.toMillis();
                continue;
            }
            if (left <= 0) {
                LOG.warn("Batches still writing after the grace period: their tasks may be handled again");
                break;
            }
            try {
                Finished f = finished.poll(Math.min(left, 100), TimeUnit.MILLISECONDS);
                if (f != null) {
                    apply(f);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        applyFinished();
        commit(true);
    }

    private boolean hasInFlight(Set<TopicPartition> partitions) {
        for (Batch batch : inFlight.values()) {
            if (touches(batch, partitions)) {
                return true;
            }
        }
        return false;
    }

    private static boolean touches(Batch batch, Set<TopicPartition> partitions) {
        for (ReadyTasks.Entry entry : batch.entries()) {
            if (partitions.contains(entry.partition())) {
                return true;
            }
        }
        return false;
    }

    private void forgetEverything() {
        inFlight.values().forEach(batch -> batch.ticket().abandon());
        inFlight.clear();
        finished.clear();
        ready.clear();
        progress.clear();
        pausedUntil.clear();
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(progress::remove);
        partitions.forEach(pausedUntil::remove);
        ready.removePartitions(partitions);
    }

    /**
     * What the previous owners had done beyond their commits ({@link DoneOffsets}) is not handled again. Without an
     * answer those records are handled again (a duplicate at worst, never a loss).
     */
    private void restoreDone(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            consumer.committed(new HashSet<>(partitions)).forEach((partition, committed) -> {
                PartitionProgress p = progress.get(partition);
                if (committed != null && p != null) {
                    p.restoreDone(DoneOffsets.decode(committed.offset(), committed.metadata()));
                    p.committed(committed.offset(), committed.metadata());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("Could not read the pending topic's commits: records done beyond them may be handled again: {}",
                    e.toString());
        }
    }

    private void shareRate() {
        try {
            int total = consumer.partitionsFor(settings.topic()).size();
            rateShare.owns(progress.size(), total);
        } catch (KafkaException e) {
            LOG.warn("Could not read the pending topic's partitions to share the rate budget: {}", e.toString());
        }
    }

    /** The pending task a record holds. */
    static PendingTask task(ConsumerRecord<byte[], byte[]> record) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.putIfAbsent(header.key(), header.value());
        }
        return new PendingTask(record.key(), record.value(), headers);
    }

    /** Runs inside {@code poll()}, on the scheduler's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                finishAll(partitions);
            }
            forget(partitions);
            assigned = !progress.isEmpty();
            assignmentChanged = true;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> progress.put(partition, new PartitionProgress()));
            restoreDone(partitions);
            assigned = true;
            assignmentChanged = true;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
            assigned = !progress.isEmpty();
            assignmentChanged = true;
        }
    }
}
