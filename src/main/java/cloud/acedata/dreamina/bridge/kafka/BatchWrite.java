package cloud.acedata.dreamina.bridge.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What became of each record of one {@link RecordBatchWriter#writeAll} call, by index: acknowledged, or the
 * exception it failed with.
 */
public final class BatchWrite {

    private final List<Exception> failures;

    BatchWrite(List<Exception> failures) {
        this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
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
