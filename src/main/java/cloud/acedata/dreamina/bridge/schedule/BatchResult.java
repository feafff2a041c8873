package cloud.acedata.dreamina.bridge.schedule;

import java.time.Instant;
import java.util.BitSet;

/**
 * What became of a batch: which tasks' outcomes were acknowledged by Kafka, and why the others were not.
 *
 * @param kind    what happened to the tasks not written
 * @param written the indexes (in the batch) of the tasks whose outcome was acknowledged
 * @param reason  why, in words (for the log)
 * @param retryAt for {@link Kind#API_UNAVAILABLE}: when the API may be asked again
 * @param published the indexes of the tasks written to the output topic (finished), for metrics
 */
public record BatchResult(Kind kind, BitSet written, String reason, Instant retryAt, BitSet published) {

    public BatchResult(Kind kind, BitSet written, String reason, Instant retryAt) {
        this(kind, written, reason, retryAt, new BitSet());
    }

    public enum Kind {
        /** Every outcome was acknowledged. */
        DONE,
        /** The API cannot be asked now (outage, 429, refused token or URL): nothing written, ask again later. */
        API_UNAVAILABLE,
        /** This request failed while the API answers others: nothing written, isolate the tasks. */
        REQUEST_FAILED,
        /** Some writes failed: the tasks not written are read again after a pause. */
        WRITE_FAILED,
        /** A topic refuses every write (not authorised, missing): as WRITE_FAILED, with a long pause. */
        TOPIC_UNWRITABLE,
        /** Given up by a stopping scheduler before any write. */
        ABANDONED
    }

    public static BatchResult done(int size) {
        BitSet all = new BitSet(size);
        all.set(0, size);
        return new BatchResult(Kind.DONE, all, "", null);
    }

    public static BatchResult apiUnavailable(String reason, Instant retryAt) {
        return new BatchResult(Kind.API_UNAVAILABLE, new BitSet(), reason, retryAt);
    }

    public static BatchResult requestFailed(String reason) {
        return new BatchResult(Kind.REQUEST_FAILED, new BitSet(), reason, null);
    }

    public static BatchResult abandoned() {
        return new BatchResult(Kind.ABANDONED, new BitSet(), "stopping", null);
    }

    public boolean isWritten(int index) {
        return written.get(index);
    }
}
