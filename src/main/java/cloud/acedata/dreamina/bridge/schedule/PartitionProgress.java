package cloud.acedata.dreamina.bridge.schedule;

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

    /** @return the offset to commit when it moved since the last commit; prunes the records below it */
    OptionalLong committable() {
        if (position < 0) {
            return OptionalLong.empty();
        }
        long next = position;
        for (Map.Entry<Long, State> entry : records.entrySet()) {
            if (entry.getValue() != State.DONE) {
                next = Math.min(next, entry.getKey());
                break;
            }
        }
        records.headMap(next, false).clear();
        if (next <= committed) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(next);
    }

    /** The commit of {@code offset} was sent. */
    void committed(long offset) {
        committed = Math.max(committed, offset);
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
