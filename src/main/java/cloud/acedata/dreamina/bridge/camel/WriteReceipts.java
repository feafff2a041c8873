package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.TaskOutcome;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * The receipts of one polled batch's outcome writes, by the task's index in the batch: which outcome was written
 * and acknowledged, and the failure of each one that was not. Filled by {@link CollectWriteReceipts} as the
 * {@code poll-tasks} route's split finishes each outcome; read by {@link PollTasksRoute} once the route returned.
 */
public final class WriteReceipts {

    /** The exchange property under which the route's split finds the batch's receipts. */
    public static final String PROPERTY = "dreaminaWriteReceipts";

    /** One outcome's receipt: written, or failed with {@code failure}. */
    public record Receipt(TaskOutcome outcome, Exception failure) {
        public boolean written() {
            return failure == null;
        }
    }

    private final Map<Integer, Receipt> receipts = new ConcurrentHashMap<>();

    void record(int index, TaskOutcome outcome, Exception failure) {
        receipts.put(index, new Receipt(outcome, failure));
    }

    /** Whether no outcome of the batch reached a write. */
    public boolean isEmpty() {
        return receipts.isEmpty();
    }

    /** The receipt of the task at {@code index}, or null when its outcome never reached a write. */
    public Receipt receipt(int index) {
        return receipts.get(index);
    }
}
