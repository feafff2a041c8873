package cloud.acedata.dreamina.bridge.schedule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Where one pending partition stands, for ordered commits while several batches are in flight: each record taken
 * from the partition is queued, in flight, done (its outcome acknowledged) or to be read again (its write failed).
 * The committable offset never passes a record that is not done, nor the position the consumer will read next; a
 * record read again after a rewind is handed on only if it is not already queued, in flight or done, so no
 * acknowledged outcome is ever written a second time by a retry of its batch.
 */
final class PartitionProgress {

    enum State { QUEUED, IN_FLIGHT, DONE, READ_AGAIN }

    private final NavigableMap<Long, State> records = new TreeMap<>();
    /** The next offset the consumer reads, as last set or seen; -1 until the partition was read. */
    private long position = -1;
    private long committed = -1;
    private String committedMetadata = "";

    /** Whether a record just read must be handled: it is new, or read again after its write failed. */
    boolean isNew(long offset) {
        State state = records.get(offset);
        return state == null || state == State.READ_AGAIN;
    }

    void read(long offset) {
        position = Math.max(position, offset + 1);
    }

    void queued(long offset) {
        records.put(offset, State.QUEUED);
        read(offset);
    }

    void inFlight(long offset) {
        records.put(offset, State.IN_FLIGHT);
    }

    /** Back in the queue (the API could not be asked now). */
    void requeued(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.QUEUED);
    }

    void done(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.DONE);
    }

    /** Its write failed: it must be read again, and nothing at or behind it committed. */
    void readAgain(long offset) {
        records.computeIfPresent(offset, (o, s) -> State.READ_AGAIN);
    }

    /** The consumer was sought to {@code offset}: it reads from there next. */
    void soughtTo(long offset) {
        position = offset;
    }

    /**
     * Records from {@code offset} on must be read again: the consumer goes back there, unless it already reads from
     * an earlier offset.
     *
     * @return where to seek the consumer
     */
    long rewindTo(long offset) {
        position = position < 0 ? offset : Math.min(position, offset);
        return position;
    }

    /**
     * The offset a commit would carry now: the first record not done, or the next to read; -1 before the partition
     * was read. Prunes the records below it.
     */
    long commitPoint() {
        if (position < 0) {
            return -1;
        }
        long next = position;
        for (Map.Entry<Long, State> entry : records.entrySet()) {
            if (entry.getValue() != State.DONE) {
                next = Math.min(next, entry.getKey());
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

    /**
     * Records a previous owner had done beyond its commit ({@link DoneOffsets}): not handled again when read.
     * Only before this partition is read.
     */
    void restoreDone(Collection<Long> offsets) {
        offsets.forEach(offset -> records.put(offset, State.DONE));
    }

    /** The commit of {@code offset} with {@code metadata} was sent. */
    void committed(long offset, String metadata) {
        if (offset >= committed) {
            committed = offset;
            committedMetadata = metadata;
        }
    }

    /** The offset of the last commit sent, -1 before any. */
    long committedOffset() {
        return committed;
    }

    /** Whether a commit of {@code offset} with {@code metadata} would say something the last one did not. */
    boolean isNews(long offset, String metadata) {
        return offset > committed || (offset == committed && !metadata.equals(committedMetadata));
    }

    /** The first record to read again, if any. */
    OptionalLong firstToReadAgain() {
        for (Map.Entry<Long, State> entry : records.entrySet()) {
            if (entry.getValue() == State.READ_AGAIN) {
                return OptionalLong.of(entry.getKey());
            }
        }
        return OptionalLong.empty();
    }

    State state(long offset) {
        return records.get(offset);
    }
}
