package cloud.acedata.dreamina.bridge.schedule;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where one pending partition stands for as long as this instance owns it (one <em>epoch</em>: from an assignment to
 * the revocation): the state of each record read and not yet below the commit point, the next offset the consumer
 * reads, until when the partition is paused, and the last commit the broker acknowledged.
 * <p>
 * A record read is, here, in exactly one state: {@link State#READY} (waiting to be polled or written back),
 * {@link State#IN_FLIGHT} (in a batch handed to a worker), {@link State#DONE} (its outcome acknowledged, or it needs
 * none) or {@link State#READ_AGAIN} (its write failed: the consumer goes back to it). The commit point never passes
 * a record that is not done, nor the position the consumer reads next; records below it are forgotten, so memory
 * holds what is in flight or waiting, never the traffic behind it.
 * <p>
 * Every epoch has its own number (results of a batch dispatched in an earlier epoch are dropped, never applied to
 * this one) and its own writer token: a copy of a task this epoch writes back names its source record and this
 * token ({@link TaskSource}), so that a copy another owner wrote of a record this epoch handles again is known as
 * stale ({@link #isStaleCopy}).
 */
final class PartitionLedger {

    enum State { READY, IN_FLIGHT, DONE, READ_AGAIN }

    private final TopicPartition partition;
    private final long epoch;
    private final String writer;
    private final NavigableMap<Long, State> records = new TreeMap<>();
    /** What the previous owner had done beyond its commit: their copies written back are live. */
    private final Set<Long> doneByPredecessor = new HashSet<>();
    /** The first offset this epoch reads: the committed offset, or the first record read when there was none. */
    private long start;
    /** The next offset the consumer reads, as last set or seen; -1 until the partition was read. */
    private long position = -1;
    private long pausedUntil;
    private long acknowledged;
    private String acknowledgedMetadata = "";

    /**
     * @param committed the partition's committed offset at the assignment, -1 if none
     * @param doneBeyond the records the previous owner had done beyond that offset ({@link DoneOffsets})
     */
    PartitionLedger(TopicPartition partition, long epoch, String writer, long committed, String metadata,
                    Collection<Long> doneBeyond) {
        this.partition = partition;
        this.epoch = epoch;
        this.writer = writer;
        this.start = committed;
        this.acknowledged = committed;
        this.acknowledgedMetadata = committed < 0 || metadata == null ? "" : metadata;
        for (long offset : doneBeyond) {
            if (committed >= 0 && offset > committed) {
                records.put(offset, State.DONE);
                doneByPredecessor.add(offset);
            }
        }
    }

    TopicPartition partition() {
        return partition;
    }

    long epoch() {
        return epoch;
    }

    /** The token this epoch's copies carry in their source header. */
    String writer() {
        return writer;
    }

    /** Whether a record just read must be handled: it is new, or read again after its write failed. */
    boolean isNew(long offset) {
        State state = records.get(offset);
        return state == null || state == State.READ_AGAIN;
    }

    /** The record at {@code offset} was read (and needs nothing more, or is handled as its state says). */
    void read(long offset) {
        if (start < 0) {
            start = offset;
        }
        position = Math.max(position, offset + 1);
    }

    /**
     * Whether a record read here is a copy written back by another owner (or an earlier epoch) of a record this
     * epoch handles itself: its source lies in this epoch's range and was not done by the previous owner, so this
     * epoch reads that source and writes its own copy (or the outcome). Such a copy needs no request: polled, it
     * would publish the task a second time.
     */
    boolean isStaleCopy(TaskSource source) {
        if (source == null || !source.partition().equals(partition) || source.writer().equals(writer)) {
            return false;
        }
        long first = start < 0 ? Long.MAX_VALUE : start;
        return source.offset() >= first && !doneByPredecessor.contains(source.offset());
    }

    /**
     * The consumer's position: it passes the control records a read_committed consumer never returns (a
     * transaction's commit marker takes an offset). Only forward, and only to where the consumer already is: every
     * record before it was handed over ({@code take}) or sought back to.
     */
    void readUpTo(long consumerPosition) {
        if (consumerPosition > position && consumerPosition > acknowledged) {
            position = consumerPosition;
        }
    }

    /** Taken in, waiting to be polled or written back. */
    void ready(long offset) {
        read(offset);
        records.put(offset, State.READY);
    }

    void inFlight(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.IN_FLIGHT);
    }

    /** Back to waiting (the API could not be asked, the batch was given up). */
    void requeued(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.READY);
    }

    /** Its outcome was acknowledged, or it needs none (a stale copy, a record a later one stands for). */
    void done(long offset) {
        read(offset);
        records.put(offset, State.DONE);
    }

    /**
     * Its outcome was acknowledged by a batch of an earlier epoch that was still writing when the partition came
     * back: skipped when this epoch reads it. The position does not move (this epoch has not read up to it).
     */
    void doneEarlier(long offset) {
        records.putIfAbsent(offset, State.DONE);
    }

    /**
     * Its write failed: it is read again, and nothing at or behind it committed. The consumer goes back there,
     * unless it already reads from an earlier offset.
     *
     * @return where to seek the consumer
     */
    long readAgain(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.READ_AGAIN);
        position = position < 0 ? offset : Math.min(position, offset);
        return position;
    }

    /** The record at {@code offset} is not due before {@code until}: the consumer goes back to it and waits. */
    void notDueYet(long offset, long until) {
        read(offset);
        position = offset;
        pauseUntil(until);
    }

    void pauseUntil(long until) {
        pausedUntil = Math.max(pausedUntil, until);
    }

    boolean isPaused(long now) {
        return pausedUntil > now;
    }

    long pausedUntil() {
        return pausedUntil;
    }

    /**
     * The offset a commit would carry now: the first record not done, or the next to read; -1 before the partition
     * was read. Forgets the records below it.
     */
    long commitPoint() {
        if (position < 0) {
            return acknowledged;
        }
        long next = position;
        for (Map.Entry<Long, State> entry : records.entrySet()) {
            if (entry.getKey() >= position) {
                break;
            }
            if (entry.getValue() != State.DONE) {
                next = entry.getKey();
                break;
            }
        }
        records.headMap(next, false).clear();
        return next;
    }

    /** The records done beyond {@code offset}: their outcomes are written although a commit cannot pass them. */
    List<Long> doneAfter(long offset) {
        List<Long> done = new ArrayList<>();
        records.tailMap(offset, false).forEach((o, state) -> {
            if (state == State.DONE) {
                done.add(o);
            }
        });
        return done;
    }

    /** The broker acknowledged a commit of {@code offset} with {@code metadata}. */
    void acknowledged(long offset, String metadata) {
        if (offset >= acknowledged) {
            acknowledged = offset;
            acknowledgedMetadata = metadata;
        }
    }

    /** How long the metadata of the last acknowledged commit (or of the commit this epoch started from) is. */
    int acknowledgedMetadataLength() {
        return acknowledgedMetadata.length();
    }

    /** The offset of the last acknowledged commit, -1 before any. */
    long acknowledgedOffset() {
        return acknowledged;
    }

    /** Whether a commit of {@code offset} with {@code metadata} would say something the last acknowledged did not. */
    boolean isNews(long offset, String metadata) {
        return offset > acknowledged || (offset == acknowledged && !metadata.equals(acknowledgedMetadata));
    }

    State state(long offset) {
        return records.get(offset);
    }

    /** How many records this ledger holds (what is waiting, in flight or done beyond the commit point). */
    int size() {
        return records.size();
    }

    /** The records in {@code state}, in offset order (for tests and invariants). */
    List<Long> inState(State state) {
        List<Long> offsets = new ArrayList<>();
        records.forEach((o, s) -> {
            if (s == state) {
                offsets.add(o);
            }
        });
        return offsets;
    }
}
