package cloud.acedata.dreamina.bridge.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What became of each record of one {@link RecordBatchWriter#writeAll} call, by index: acknowledged, or the
 * exception it failed with — and, for a record too large to be written as it is, the record written instead.
 */
public final class BatchWrite {

    private final List<Exception> failures;
    private final List<ProducerRecord<byte[], byte[]>> replacements;

    BatchWrite(List<Exception> failures) {
        this(failures, Collections.nCopies(failures.size(), null));
    }

    BatchWrite(List<Exception> failures, List<ProducerRecord<byte[], byte[]>> replacements) {
        this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
        this.replacements = Collections.unmodifiableList(new ArrayList<>(replacements));
    }

    /**
     * The record written (or tried) instead of record {@code index}, which was too large; null when the record
     * itself was written (or failed otherwise). {@link #written} and {@link #failure} then tell its replacement's fate.
     */
    public ProducerRecord<byte[], byte[]> replacement(int index) {
        return replacements.get(index);
    }

    public int size() {
        return failures.size();
    }

    /** Whether Kafka acknowledged record {@code index}. */
    public boolean written(int index) {
        return failures.get(index) == null;
    }

    /** Why record {@code index} was not written, or null when it was. */
    public Exception failure(int index) {
        return failures.get(index);
    }

    public boolean allWritten() {
        return firstFailed() < 0;
    }

    /** Index of the first record that was not written, or -1 when all were. */
    public int firstFailed() {
        for (int i = 0; i < failures.size(); i++) {
            if (failures.get(i) != null) {
                return i;
            }
        }
        return -1;
    }

    public int failedCount() {
        int count = 0;
        for (Exception failure : failures) {
            if (failure != null) {
                count++;
            }
        }
        return count;
    }
}
