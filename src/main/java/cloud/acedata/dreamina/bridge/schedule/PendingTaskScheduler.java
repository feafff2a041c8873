package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.delivery.RouteTransaction;
import cloud.acedata.dreamina.bridge.delivery.TransactionGate;
import cloud.acedata.dreamina.bridge.task.ClockSkew;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Consumes the pending topic and hands tasks to the {@link BatchHandler} when they are due, several batches at a
 * time, without ever blocking the consumer. This class is the loop and its supervisor; each rule lives in a class of
 * its own, unit-tested without a broker:
 * <ul>
 *   <li>{@link PendingRecords}: every record's state, from read to committed (with {@link PartitionLedger} per
 *       partition and epoch, {@link ReadyTasks}, {@link BatchesInFlight});</li>
 *   <li>{@link CommitPolicy}: what is committed when, and only what the broker acknowledged;</li>
 *   <li>{@link RestartBudget}: a failed loop restarted with a new consumer (committed offsets are safe), five
 *       failures within five minutes stop the bridge through {@code fatal}.</li>
 * </ul>
 * The loop: apply finished batches, commit, dispatch, pause what waits, poll, take in what was read. A partition
 * whose next record is not due is sought back to it and {@linkplain
 * org.apache.kafka.clients.consumer.KafkaConsumer#pause paused} while {@code poll()} goes on (heartbeats,
 * rebalances). A stop, or a revocation, lets the batches of the partitions leaving finish (giving up those still
 * waiting for the API after {@code stopTimeout}; their entries of partitions kept wait again) and commits them.
 */
public final class PendingTaskScheduler implements Runnable {

    /**
     * How the scheduler works; see {@code config/application.properties}.
     *
     * @param pollInterval how long a task waits between two polls: a due time written by a clock further ahead than
     *                     that is read as now ({@link ClockSkew})
     * @param parkAfter    a task whose own backoff is longer is written back to the pending topic to wait there
     */
    public record Settings(String topic, int batchSize, int maxInFlight, Duration coalesce, Duration pollInterval,
                           Duration errorPause, Duration unwritablePause, Duration stopTimeout, Duration parkAfter) {

        public Settings(String topic, int batchSize, int maxInFlight, Duration coalesce, Duration pollInterval,
                        Duration errorPause, Duration unwritablePause, Duration stopTimeout) {
            this(topic, batchSize, maxInFlight, coalesce, pollInterval, errorPause, unwritablePause, stopTimeout,
                    PARK_AFTER);
        }
    }

    /** A task waits on its own backoff in memory up to this long; longer, it is written back (no frozen commit). */
    public static final Duration PARK_AFTER = Duration.ofSeconds(2);
    /** How often the running loop commits what changed (Kafka Streams commits every 100 ms under exactly-once). */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /**
     * Under exactly-once, a partition whose last commit's metadata was longer than this is not read further until a
     * commit's is shorter again: the records done beyond a commit must all fit in its metadata ({@link DoneOffsets},
     * at most {@value DoneOffsets#MAX_CHARS} characters), never be left out. Half the room: what one commit interval
     * adds stays far below the rest, and metadata that would still not fit aborts the transaction.
     */
    static final int HOLD_READING_AT = DoneOffsets.MAX_CHARS / 2;

    private static final Logger LOG = LoggerFactory.getLogger(PendingTaskScheduler.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);
    /** How often the loop looks at finished batches while some are in flight. */
    private static final Duration IN_FLIGHT_POLL_WAIT = Duration.ofMillis(5);
    /** Batches already writing when the stop came get this long to finish (their writes are bounded by Kafka's). */
    private static final Duration WRITE_GRACE = Duration.ofSeconds(5);
    /** Polls failing in a row before the consumer is restarted. */
    private static final int MAX_FAILED_POLLS = 10;

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
    private final RestartBudget restarts = new RestartBudget(5, Duration.ofMinutes(5));
    private final ClockSkew skew;
    /** Under exactly-once: opens the poll path's transaction for a run of the consumer; null under at-least-once. */
    private final Delivery delivery;
    private final TransactionGate gate = new TransactionGate();
    /** This run's transaction (exactly-once). */
    private KafkaTransaction transaction;

    // Used by the scheduler's thread only (KafkaConsumer is not thread-safe), unless noted.
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private PendingRecords records;
    private CommitPolicy commits;
    /** This run's consumer, as the commit policy uses it. */
    private CommitPolicy.Committer committer;
    /** Finished batches, handed from the workers to the scheduler's thread. */
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
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

    private record Finished(Batch batch, BatchResult result) {
    }

    /**
     * Exactly-once delivery: each run of the consumer has a transaction of its own ({@code transactions}, a
     * transactional producer whose id stays the same across runs), which the routes reach through {@code routes};
     * commits every {@code commitInterval}.
     */
    public record Delivery(Supplier<KafkaTransaction> transactions, RouteTransaction routes, Duration commitInterval) {
    }

    /** The transaction cannot go on: fenced by a newer instance with the same id, or refused by the broker. */
    public static final class TransactionEnded extends RuntimeException {
        TransactionEnded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public PendingTaskScheduler(Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory,
                                Settings settings, BatchHandler handler, Supplier<Instant> apiOpenAt, RateShare rateShare,
                                Backoff taskBackoff, ExecutorService loopExecutor, ExecutorService workers,
                                Consumer<Throwable> fatal, Clock clock) {
        this(consumerFactory, settings, handler, apiOpenAt, rateShare, taskBackoff, loopExecutor, workers, fatal, clock,
                null);
    }

    /** @param delivery exactly-once delivery, or null for at-least-once */
    public PendingTaskScheduler(Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumerFactory,
                                Settings settings, BatchHandler handler, Supplier<Instant> apiOpenAt, RateShare rateShare,
                                Backoff taskBackoff, ExecutorService loopExecutor, ExecutorService workers,
                                Consumer<Throwable> fatal, Clock clock, Delivery delivery) {
        this.delivery = delivery;
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
        // A written-back task's due time lies up to its longest backoff ahead: not a clock that leads.
        this.skew = new ClockSkew(settings.pollInterval(), settings.coalesce(), taskBackoff.longest());
    }

    /** Creates the consumer here, so that a configuration error fails the start instead of a background thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = consumerFactory.get();
        try {
            openTransaction();
        } catch (RuntimeException e) {
            consumer.close();
            consumer = null;
            throw e;
        }
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

    /** The supervisor: runs the loop, restarts it with a new consumer after a failure, stops the bridge at last. */
    @Override
    public void run() {
        while (running) {
            try {
                runConsumer();
            } catch (TransactionEnded e) {
                running = false;
                LOG.error("{}: stopping the bridge", e.getMessage());
                fatal.accept(e);
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("Pending-task scheduler failed; its consumer is restarted (committed offsets are safe)", e);
                failedPolls = 0;
                if (!restarts.failed(clock.instant())) {
                    running = false;
                    LOG.error("Pending-task scheduler failed too often within five minutes: stopping the bridge");
                    fatal.accept(e);
                    return;
                }
                try {
                    Thread.sleep(restarts.pause().toMillis());
                    consumer = consumerFactory.get();
                    openTransaction();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException again) {
                    LOG.error("Pending-task scheduler could not create its consumer: {}", again.toString());
                }
            }
        }
    }

    private void runConsumer() {
        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c = consumer;
        if (c == null) {
            throw new IllegalStateException("no pending-topic consumer");
        }
        // A new run starts from the commits: nothing of an earlier run is applied (its batches are dropped).
        if (records != null) {
            records.clear();
        }
        finished.clear();
        records = new PendingRecords(settings.parkAfter().toMillis(), settings.coalesce().toMillis(),
                failures -> taskBackoff.delay(failures).toMillis(), new SplittableRandom());
        commits = new CommitPolicy(commitInterval().toMillis());
        committer = committer(c);
        try (c) {
            c.subscribe(List.of(settings.topic()), new Rebalance());
            while (running) {
                loopOnce();
                lastLoopAt = clock.instant();
            }
            finishAll(records.partitions());
        } finally {
            consumer = null;
            assigned = false;
            closeTransaction();
        }
    }

    private Duration commitInterval() {
        return delivery != null ? delivery.commitInterval() : COMMIT_INTERVAL;
    }

    /** Exactly-once: this run's transaction (its producer's id fences, and aborts, what an earlier run left open). */
    private void openTransaction() {
        if (delivery == null || transaction != null) {
            return;
        }
        transaction = delivery.transactions().get();
        delivery.routes().set(transaction);
    }

    private void closeTransaction() {
        KafkaTransaction t = transaction;
        transaction = null;
        if (t != null) {
            delivery.routes().clear(t);
            t.close();
        }
    }

    private void loopOnce() {
        applyFinished();
        if (transaction != null) {
            if (commits.due(clock.millis())) {
                commitTransaction();
            }
        } else {
            commits.maybeCommit(records, committer, clock.millis());
        }
        dispatch();
        applyPauses();
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = consumer.poll(pollWait());
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
        if (!polled.isEmpty()) {
            take(polled);
        }
        OptionalLong first = records.firstDue();
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

    /** Hands what one poll returned to the records' states; a record not due sends its partition back to it. */
    private void take(ConsumerRecords<byte[], byte[]> polled) {
        long now = clock.millis();
        for (TopicPartition partition : polled.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                // A due time written by another instance's clock far ahead is read as now.
                PendingTask task = skew.read(task(record), now);
                if (records.take(partition, record.offset(), task, now) == PendingRecords.Intake.NOT_DUE) {
                    consumer.seek(partition, record.offset());
                    break;
                }
            }
        }
    }

    /** Hands batches to the workers while a worker is free (a poll only while the API may be asked). */
    private void dispatch() {
        if (!running) {
            return;
        }
        while (records.batchesInFlight() < settings.maxInFlight()) {
            boolean apiOpen = !apiOpenAt.get().isAfter(clock.instant());
            Batch batch = records.nextBatch(clock.millis(), settings.batchSize(), apiOpen);
            if (batch == null) {
                return;
            }
            List<PendingTask> tasks = PendingRecords.tasks(batch);
            if (transaction != null) {
                batch.ticket().writeThrough(gate);
            }
            workers.execute(() -> {
                finished.add(new Finished(batch, work(batch, tasks)));
                batch.ticket().written();
            });
        }
    }

    /** On a worker: the batch's work, unless it was given up before it began (then the API is not asked). */
    private BatchResult work(Batch batch, List<PendingTask> tasks) {
        if (batch.ticket().isAbandoned()) {
            return BatchResult.abandoned();
        }
        try {
            return batch.kind() == Batch.Kind.POLL ? handler.handle(tasks, batch.ticket())
                    : handler.writeBack(tasks, batch.ticket());
        } catch (RuntimeException e) {
            LOG.warn("Handling {} due tasks failed unexpectedly; they are read again: {}", tasks.size(), e.toString());
            return new BatchResult(BatchResult.Kind.WRITE_FAILED, new java.util.BitSet(), e.toString(), null);
        }
    }

    /** Applies what the workers finished. */
    private void applyFinished() {
        List<Finished> done = new ArrayList<>();
        finished.drainTo(done);
        done.forEach(this::apply);
    }

    private void apply(Finished f) {
        BatchResult result = f.result();
        boolean unwritable = result.kind() == BatchResult.Kind.TOPIC_UNWRITABLE;
        Duration pause = unwritable ? settings.unwritablePause() : settings.errorPause();
        Map<TopicPartition, Long> rewind = records.apply(f.batch(), result, clock.millis(), pause.toMillis());
        if (!rewind.isEmpty()) {
            if (unwritable) {
                topicRefuses(result.reason(), pause);
            } else {
                LOG.warn("Writing the outcomes of due tasks failed; {} partitions are read again in {} ms: {}",
                        rewind.size(), pause.toMillis(), result.reason());
            }
            rewind.forEach(consumer::seek);
        } else if (result.kind() == BatchResult.Kind.DONE && transaction == null) {
            // Under exactly-once a batch's writes are only held: the commit says whether they were taken.
            unwritableLogged = false;
        }
    }

    /** A topic refuses the bridge's writes: said once until a write is taken again, and at each retry on DEBUG. */
    private void topicRefuses(String reason, Duration pause) {
        if (!unwritableLogged) {
            LOG.error("A topic refuses the bridge's writes ({}): the pending tasks wait; retried every {} ms",
                    reason, pause.toMillis());
            unwritableLogged = true;
        } else {
            LOG.debug("A topic still refuses the bridge's writes ({})", reason);
        }
    }

    /** Pauses the partitions that wait (not due, after an error) or, when memory is full, every partition. */
    private void applyPauses() {
        long now = clock.millis();
        int waiting = records.waiting() + records.batchesInFlight() * settings.batchSize();
        boolean full = waiting >= 2 * settings.batchSize() * settings.maxInFlight() + settings.batchSize() * 4;
        Set<TopicPartition> waits = records.paused(now);
        if (transaction != null) {
            waits.addAll(records.withMetadataLongerThan(HOLD_READING_AT));
        }
        Set<TopicPartition> pause = new HashSet<>();
        for (TopicPartition partition : consumer.assignment()) {
            if (full || waits.contains(partition)) {
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
        if (records.batchesInFlight() > 0 || records.hasWriteBacks()) {
            return IN_FLIGHT_POLL_WAIT;
        }
        long now = clock.millis();
        long wait = Math.min(MAX_POLL_WAIT.toMillis(), commitInterval().toMillis());
        for (TopicPartition partition : records.paused(now)) {
            long until = records.pausedUntil(partition);
            if (until > now) {
                wait = Math.min(wait, until - now);
            }
        }
        OptionalLong first = records.firstDue();
        if (first.isPresent()) {
            wait = Math.min(wait, Math.max(first.getAsLong(), apiOpenAt.get().toEpochMilli()) - now);
        }
        return Duration.ofMillis(Math.max(1, wait));
    }

    /**
     * Lets the batches of these partitions finish (giving up those still waiting for the API after the drain time),
     * then commits them synchronously: on stop and on a revocation.
     */
    private void finishAll(Collection<TopicPartition> partitions) {
        Set<TopicPartition> leaving = new HashSet<>(partitions);
        long deadline = clock.millis() + settings.stopTimeout().toMillis();
        boolean givenUp = false;
        while (records.hasInFlight(leaving)) {
            long left = deadline - clock.millis();
            if (left <= 0 && !givenUp) {
                int given = records.giveUp(leaving);
                LOG.warn("{} batches still waiting for the API after {} ms: given up unwritten, their tasks read "
                        + "again", given, settings.stopTimeout().toMillis());
                givenUp = true;
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
        if (transaction != null) {
            if (!commitTransaction()) {
                LOG.warn("The pending tasks handled last were not committed; they are handled again (their outcomes "
                        + "were aborted)");
            }
        } else if (!commits.commitNow(records, committer, leaving)) {
            LOG.warn("The pending tasks handled last could not be committed; the partitions' next owner may handle "
                    + "them again");
        }
    }

    /**
     * Exactly-once: closes the gate (every batch writing finishes; no new one starts), applies what finished, and
     * commits the transaction with the offsets (and done-beyond metadata) of every owned partition whose records it
     * completes. A failed write, a failed commit or metadata that cannot name every record done beyond its commit
     * aborts the transaction and {@linkplain #rewind rewinds}.
     *
     * @return whether what was finished is committed
     */
    private boolean commitTransaction() {
        try {
            // The writes so far are answered while batches may still write (bounded: a broker that stopped
            // answering is the commit's to time out): the gate is then closed only for what was written since, the
            // results and the commit's round trips.
            transaction.awaitAnswers(WRITE_GRACE);
            if (!gate.close(WRITE_GRACE.toMillis())) {
                LOG.warn("Batches still writing after {} ms: the transaction is committed in the next round",
                        WRITE_GRACE.toMillis());
                return false;
            }
            applyFinished();
            Exception failed = transaction.failure();
            if (failed != null) {
                rewind("a write failed: " + failed, KafkaTransaction.isTopicUnwritable(failed));
                return false;
            }
            readUpToTheConsumer();
            List<PendingRecords.Commit> commits = records.commits(records.partitions(), true, true);
            if (commits.isEmpty() && !transaction.wrote()) {
                return true;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            commits.forEach(c -> offsets.put(c.partition(), new OffsetAndMetadata(c.offset(), c.metadata())));
            boolean wrote = transaction.wrote();
            transaction.commit(offsets, consumer.groupMetadata());
            commits.forEach(records::acknowledged);
            if (wrote) {
                unwritableLogged = false; // writes were taken again: a refusal from now on is news
            }
            return true;
        } catch (DoneOffsets.Overflow e) {
            rewind(e.getMessage(), false);
            return false;
        } catch (KafkaException e) {
            ended(e);
            rewind("the commit failed: " + e, KafkaTransaction.isTopicUnwritable(e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            gate.open();
        }
    }

    /**
     * Under exactly-once the pending topic holds the transactions' commit markers, which take offsets the consumer
     * never returns: a commit goes up to the consumer's position, or the last marker would stay "not consumed".
     */
    private void readUpToTheConsumer() {
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition partition : records.partitions()) {
            if (paused.contains(partition)) {
                continue; // waiting at a record (not due, a failed write): its position is that record
            }
            try {
                records.readUpTo(partition, consumer.position(partition, Duration.ZERO));
            } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException e) {
                // no position yet (just assigned): nothing read to commit
            }
        }
    }

    /** A fenced or refused producer ends the run and the bridge: another instance has its place, or no right. */
    private void ended(KafkaException e) {
        if (KafkaTransaction.isFenced(e)) {
            throw new TransactionEnded("The pending-task scheduler's transactional producer was fenced by a newer "
                    + "one with the same id (a newer instance with the same dreamina.instance.id?): " + e, e);
        }
        if (KafkaTransaction.isRefused(e)) {
            throw new TransactionEnded("The broker refuses the bridge's transactions (" + e + "): grant the "
                    + "transactional-id ACLs (README \"Kafka security\") or set "
                    + "dreamina.delivery.guarantee=at-least-once", e);
        }
    }

    /**
     * Aborts the transaction — none of its writes will be read by a read_committed consumer — and starts every owned
     * partition again from its commit, as a new epoch: the batches not yet writing are given up, those of the old
     * epoch are ignored when they end, and the records are read again (after the error pause).
     */
    private void rewind(String why, boolean topicUnwritable) {
        try {
            transaction.abort();
        } catch (KafkaException e) {
            ended(e);
            throw e;
        }
        Set<TopicPartition> owned = records.partitions();
        records.giveUp(owned);
        records.forget(owned);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(owned);
        Duration pause = topicUnwritable ? settings.unwritablePause() : settings.errorPause();
        long until = clock.millis() + pause.toMillis();
        for (TopicPartition partition : owned) {
            OffsetAndMetadata commit = committed.get(partition);
            records.assign(partition, commit == null ? -1 : commit.offset(), commit == null ? "" : commit.metadata());
            records.pauseUntil(partition, until);
            if (commit != null) {
                consumer.seek(partition, commit.offset());
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        LOG.warn("Transaction aborted ({}): {} pending partitions read again from their commits in {} ms", why,
                owned.size(), pause.toMillis());
        if (topicUnwritable) {
            topicRefuses(why, pause);
        }
    }

    private static CommitPolicy.Committer committer(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c) {
        return new CommitPolicy.Committer() {
            @Override
            public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
                c.commitAsync(offsets, callback);
            }

            @Override
            public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                c.commitSync(offsets);
            }
        };
    }

    /** The partitions' commits, read once at their assignment (where a new epoch starts). */
    private Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
        try {
            return consumer.committed(new HashSet<>(partitions));
        } catch (KafkaException e) {
            LOG.warn("Could not read the pending topic's commits: records done beyond them may be handled again: {}",
                    e.toString());
            return Map.of();
        }
    }

    private void shareRate() {
        try {
            int total = consumer.partitionsFor(settings.topic()).size();
            rateShare.owns(records.partitions().size(), total);
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
            gone(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(partitions);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata commit = committed.get(partition);
                records.assign(partition, commit == null ? -1 : commit.offset(),
                        commit == null ? "" : commit.metadata());
            }
            assigned = true;
            assignmentChanged = true;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            records.giveUp(new HashSet<>(partitions));
            gone(partitions);
        }

        private void gone(Collection<TopicPartition> partitions) {
            records.forget(partitions);
            assigned = !records.partitions().isEmpty();
            assignmentChanged = true;
        }
    }
}
