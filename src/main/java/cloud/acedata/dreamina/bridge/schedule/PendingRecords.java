package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntToLongFunction;
import java.util.random.RandomGenerator;

/**
 * The one place where each pending record's state is decided, from the moment it is read until its offset is
 * committed: the partitions' {@linkplain PartitionLedger ledgers}, the {@linkplain ReadyTasks tasks waiting} for a
 * request, the tasks waiting to be written back, and the {@linkplain BatchesInFlight batches in flight}. No Kafka
 * client and no thread here: the scheduler's loop reads records, asks for batches, hands back results, and applies
 * what it is told (where to seek, what to pause, what to commit).
 * <p>
 * The rule it keeps: every record read and not yet committed is in exactly one state — waiting (in the ready tasks
 * or the write-backs), in flight (in exactly one batch), done, or to be read again — and its ledger says the same.
 */
final class PendingRecords {

    /** What became of a record read. */
    enum Intake {
        /** Not this instance's, already handled, or needing no request (a stale copy, a later copy stands for it). */
        SKIPPED,
        /** Waiting for a request. */
        READY,
        /** Not due yet: the consumer goes back to it, and the partition waits until {@link #pausedUntil}. */
        NOT_DUE
    }

    /** A commit to send: {@code offset} with {@code metadata}, for the ledger of {@code epoch}. */
    record Commit(TopicPartition partition, long epoch, long offset, String metadata) {
    }

    private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
    private final ReadyTasks ready = new ReadyTasks();
    /** Tasks whose own backoff is long: written back to the pending topic to wait there. */
    private final Deque<ReadyTasks.Entry> writeBacks = new ArrayDeque<>();
    private final BatchesInFlight inFlight = new BatchesInFlight();
    private final long parkAfter;
    private final long coalesce;
    private final IntToLongFunction backoff;
    private final RandomGenerator tokens;
    private long epochs;

    /**
     * @param parkAfter a task whose own backoff is longer than this (millis) is written back to wait
     * @param coalesce  how early (millis) a task may be polled to fill a request
     * @param backoff   the delay (millis) before a task's n-th failed request alone is tried again
     * @param tokens    makes each epoch's writer token
     */
    PendingRecords(long parkAfter, long coalesce, IntToLongFunction backoff, RandomGenerator tokens) {
        this.parkAfter = parkAfter;
        this.coalesce = coalesce;
        this.backoff = backoff;
        this.tokens = tokens;
    }

    // ---- assignment ----

    /**
     * A partition assigned: a new epoch, starting from the group's commit (and the records its metadata says were
     * done beyond it).
     *
     * @param committed the committed offset, -1 if none
     */
    void assign(TopicPartition partition, long committed, String metadata) {
        String writer = Long.toString(tokens.nextLong() >>> 1, 36);
        ledgers.put(partition, new PartitionLedger(partition, ++epochs, writer, committed, metadata,
                DoneOffsets.decode(committed, metadata)));
    }

    /** Partitions gone (revoked or lost): their records are forgotten; their batches' results will be dropped. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(ledgers::remove);
        ready.removePartitions(partitions);
        writeBacks.removeIf(entry -> partitions.contains(entry.partition()));
    }

    /** Everything forgotten, every batch given up (the loop failed and starts again from the commits). */
    void clear() {
        inFlight.clear();
        ledgers.clear();
        ready.clear();
        writeBacks.clear();
    }

    Set<TopicPartition> partitions() {
        return Set.copyOf(ledgers.keySet());
    }

    boolean owns(TopicPartition partition) {
        return ledgers.containsKey(partition);
    }

    // ---- intake ----

    /**
     * A record read from a partition of this instance.
     *
     * @param task the record's task, as written
     * @param now  epoch millis
     */
    Intake take(TopicPartition partition, long offset, PendingTask task, long now) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger == null) {
            return Intake.SKIPPED;
        }
        if (awaitsEarlierBatches(ledger)) {
            ledger.notDueYet(offset, 0);
            return Intake.NOT_DUE;
        }
        if (!ledger.isNew(offset)) {
            ledger.read(offset);
            return Intake.SKIPPED;
        }
        ledger.read(offset);
        if (ledger.isStaleCopy(TaskSource.parse(partition.topic(), task.header(BridgeHeaders.PENDING_SOURCE)))) {
            ledger.done(offset);
            return Intake.SKIPPED;
        }
        if (task.dueAtMillis() > now + coalesce) {
            ledger.notDueYet(offset, task.dueAtMillis() - coalesce);
            return Intake.NOT_DUE;
        }
        PendingTask handed = task.with(BridgeHeaders.PENDING_SOURCE,
                new TaskSource(partition, offset, ledger.writer()).format());
        ledger.ready(offset);
        // A task written back on its own backoff goes alone again: its failing requests stay its own.
        int level = handed.failures() > 0 ? ReadyTasks.ALONE : 0;
        enqueue(new ReadyTasks.Entry(partition, offset, handed, level, handed.failures(), 0));
        return Intake.READY;
    }

    /** The consumer of {@code partition} is at {@code position}: see {@link PartitionLedger#readUpTo}. */
    void readUpTo(TopicPartition partition, long position) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger != null) {
            ledger.readUpTo(position);
        }
    }

    /** The partition waits until {@code until} (epoch millis) before it is read again. */
    void pauseUntil(TopicPartition partition, long until) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger != null) {
            ledger.pauseUntil(until);
        }
    }

    /** Until when a partition waits (epoch millis; 0 or past: it does not). */
    long pausedUntil(TopicPartition partition) {
        PartitionLedger ledger = ledgers.get(partition);
        return ledger == null ? 0 : ledger.pausedUntil();
    }

    /**
     * The partitions that wait at {@code now}: until a due time or after a failed write, or — assigned back to this
     * instance while a batch of an earlier assignment is still writing — until that batch's result is in (its
     * acknowledged outcomes are then skipped, not handled a second time).
     */
    Set<TopicPartition> paused(long now) {
        Set<TopicPartition> paused = new HashSet<>();
        ledgers.forEach((partition, ledger) -> {
            if (ledger.isPaused(now) || awaitsEarlierBatches(ledger)) {
                paused.add(partition);
            }
        });
        return paused;
    }

    /** The partitions whose last acknowledged commit carries more than {@code chars} characters of metadata. */
    Set<TopicPartition> withMetadataLongerThan(int chars) {
        Set<TopicPartition> heavy = new HashSet<>();
        ledgers.forEach((partition, ledger) -> {
            if (ledger.acknowledgedMetadataLength() > chars) {
                heavy.add(partition);
            }
        });
        return heavy;
    }

    // ---- dispatch ----

    /**
     * The next batch to hand to a worker, now in flight; null when none should go. Tasks to write back go first
     * (they need no API); a poll only while the API may be asked.
     */
    Batch nextBatch(long now, int batchSize, boolean apiOpen) {
        List<ReadyTasks.Entry> entries;
        Batch.Kind kind;
        if (!writeBacks.isEmpty()) {
            kind = Batch.Kind.WRITE_BACK;
            entries = new ArrayList<>();
            while (!writeBacks.isEmpty() && entries.size() < batchSize) {
                entries.add(writeBacks.poll());
            }
        } else if (apiOpen) {
            kind = Batch.Kind.POLL;
            entries = ready.takeBatch(now, batchSize, coalesce);
            if (entries.isEmpty()) {
                return null;
            }
        } else {
            return null;
        }
        Map<TopicPartition, Long> epochsOf = new LinkedHashMap<>();
        for (ReadyTasks.Entry entry : entries) {
            PartitionLedger ledger = ledgers.get(entry.partition());
            ledger.inFlight(entry.offset());
            epochsOf.put(entry.partition(), ledger.epoch());
        }
        Batch batch = new Batch(kind, List.copyOf(entries), Map.copyOf(epochsOf), new BatchTicket());
        inFlight.add(batch);
        return batch;
    }

    /** The tasks a batch hands to the handler (a write-back carries its due time and failures). */
    static List<PendingTask> tasks(Batch batch) {
        List<PendingTask> tasks = new ArrayList<>(batch.entries().size());
        for (ReadyTasks.Entry entry : batch.entries()) {
            tasks.add(batch.kind() == Batch.Kind.POLL ? entry.task() : entry.task()
                    .with(BridgeHeaders.PENDING_DUE, String.valueOf(entry.notBefore()))
                    .with(BridgeHeaders.PENDING_FAILURES, String.valueOf(entry.failures())));
        }
        return tasks;
    }

    // ---- results ----

    /**
     * What a worker reports. Entries of a partition no longer owned in the same epoch are dropped (its next owner
     * reads them from the commit).
     *
     * @param pause how long a partition whose write failed waits before it is read again (millis)
     * @return the partitions to read again, each with the offset to seek to
     */
    Map<TopicPartition, Long> apply(Batch batch, BatchResult result, long now, long pause) {
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        if (!inFlight.finished(batch)) {
            return rewind;
        }
        List<ReadyTasks.Entry> entries = batch.entries();
        for (int i = 0; i < entries.size(); i++) {
            ReadyTasks.Entry entry = entries.get(i);
            PartitionLedger ledger = current(batch, entry.partition());
            if (ledger == null) {
                PartitionLedger later = ledgers.get(entry.partition());
                if (later != null && result.isWritten(i)) {
                    later.doneEarlier(entry.offset());
                }
                continue;
            }
            if (result.isWritten(i)) {
                ledger.done(entry.offset());
                continue;
            }
            switch (result.kind()) {
                case API_UNAVAILABLE, ABANDONED -> requeue(batch.kind(), ledger, entry);
                case REQUEST_FAILED -> failed(ledger, entry, entries.size(), now);
                default -> {
                    long seek = ledger.readAgain(entry.offset());
                    ledger.pauseUntil(now + pause);
                    rewind.put(entry.partition(), seek);
                }
            }
        }
        return rewind;
    }

    /** A failed request: isolated until the task stands alone, then its own backoff — written back when long. */
    private void failed(PartitionLedger ledger, ReadyTasks.Entry entry, int batchSize, long now) {
        if (batchSize > 1) {
            ledger.requeued(entry.offset());
            enqueue(entry.isolated());
            return;
        }
        long retryAt = now + backoff.applyAsLong(entry.failures() + 1);
        ReadyTasks.Entry alone = entry.failedAlone(retryAt);
        ledger.requeued(entry.offset());
        if (retryAt - now > parkAfter) {
            writeBacks.add(alone);
        } else {
            enqueue(alone);
        }
    }

    private void requeue(Batch.Kind kind, PartitionLedger ledger, ReadyTasks.Entry entry) {
        ledger.requeued(entry.offset());
        if (kind == Batch.Kind.WRITE_BACK) {
            writeBacks.add(entry);
        } else {
            enqueue(entry);
        }
    }

    /** Into the ready tasks; a record another one stands for is done. */
    private void enqueue(ReadyTasks.Entry entry) {
        ready.add(entry).ifPresent(superseded -> {
            PartitionLedger ledger = ledgers.get(superseded.partition());
            if (ledger != null) {
                ledger.done(superseded.offset());
            }
        });
    }

    private boolean awaitsEarlierBatches(PartitionLedger ledger) {
        return inFlight.hasEarlier(ledger.partition(), ledger.epoch());
    }

    /** The ledger a batch's entry of {@code partition} belongs to, if it is still the current one. */
    private PartitionLedger current(Batch batch, TopicPartition partition) {
        PartitionLedger ledger = ledgers.get(partition);
        Long epoch = batch.epochs().get(partition);
        return ledger != null && epoch != null && ledger.epoch() == epoch ? ledger : null;
    }

    // ---- stop and revocation ----

    boolean hasInFlight(Set<TopicPartition> partitions) {
        return inFlight.touches(partitions);
    }

    int batchesInFlight() {
        return inFlight.size();
    }

    /**
     * Gives up the batches touching {@code leaving} that have not begun to write. Every entry goes back to its
     * ledger: those of the partitions kept wait again here (a batch may mix partitions), those leaving are forgotten
     * with their partition.
     *
     * @return how many batches were given up
     */
    int giveUp(Set<TopicPartition> leaving) {
        List<Batch> given = inFlight.giveUp(leaving);
        for (Batch batch : given) {
            for (ReadyTasks.Entry entry : batch.entries()) {
                PartitionLedger ledger = current(batch, entry.partition());
                if (ledger != null) {
                    requeue(batch.kind(), ledger, entry);
                }
            }
        }
        return given.size();
    }

    // ---- commits ----

    /**
     * What a commit of {@code partitions} would say that the last acknowledged one did not: each partition up to its
     * first record not done, with the records done beyond it in the metadata ({@link DoneOffsets}), built only now.
     */
    List<Commit> commits(Collection<TopicPartition> partitions, boolean withMetadata) {
        return commits(partitions, withMetadata, false);
    }

    /**
     * @param strict under exactly-once: metadata that cannot name every record done beyond the commit throws
     *               {@link DoneOffsets.Overflow} (the transaction is aborted), never leaves one out
     */
    List<Commit> commits(Collection<TopicPartition> partitions, boolean withMetadata, boolean strict) {
        List<Commit> commits = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            PartitionLedger ledger = ledgers.get(partition);
            if (ledger == null) {
                continue;
            }
            long point = ledger.commitPoint();
            if (point < 0) {
                continue;
            }
            String metadata = withMetadata ? DoneOffsets.encode(point, ledger.doneAfter(point), strict) : "";
            if (ledger.isNews(point, metadata)) {
                commits.add(new Commit(partition, ledger.epoch(), point, metadata));
            }
        }
        return commits;
    }

    /** The broker acknowledged a commit (for a ledger still current; a later epoch starts from its own commit). */
    void acknowledged(Commit commit) {
        PartitionLedger ledger = ledgers.get(commit.partition());
        if (ledger != null && ledger.epoch() == commit.epoch()) {
            ledger.acknowledged(commit.offset(), commit.metadata());
        }
    }

    // ---- what the loop and the metrics read ----

    /** When the first waiting task falls due (epoch millis), if any. */
    OptionalLong firstDue() {
        return ready.firstDue();
    }

    boolean hasWriteBacks() {
        return !writeBacks.isEmpty();
    }

    /** Tasks waiting here (for a request or a write-back). */
    int waiting() {
        return ready.size() + writeBacks.size();
    }

    // ---- for invariants and tests ----

    PartitionLedger ledger(TopicPartition partition) {
        return ledgers.get(partition);
    }

    List<ReadyTasks.Entry> readyEntries() {
        List<ReadyTasks.Entry> all = new ArrayList<>(ready.all());
        all.addAll(writeBacks);
        return all;
    }

    List<Batch> batches() {
        return inFlight.all();
    }
}
