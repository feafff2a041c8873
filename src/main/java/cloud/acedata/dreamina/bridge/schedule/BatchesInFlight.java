package cloud.acedata.dreamina.bridge.schedule;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The batches handed to workers and not yet applied. A batch leaves exactly once: when its result is applied, or
 * when it is given up (its ticket abandoned before any write). A result that comes for a batch no longer here (given
 * up, or from before a restart) is dropped.
 */
final class BatchesInFlight {

    private final Map<BatchTicket, Batch> batches = new IdentityHashMap<>();

    void add(Batch batch) {
        batches.put(batch.ticket(), batch);
    }

    /** @return whether the batch was in flight (its result is to be applied) */
    boolean finished(Batch batch) {
        return batches.remove(batch.ticket()) != null;
    }

    int size() {
        return batches.size();
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    boolean touches(Set<TopicPartition> partitions) {
        for (Batch batch : batches.values()) {
            if (batch.touches(partitions)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a batch dispatched in an epoch of {@code partition} before {@code epoch} is still writing. */
    boolean hasEarlier(TopicPartition partition, long epoch) {
        for (Batch batch : batches.values()) {
            Long dispatched = batch.epochs().get(partition);
            if (dispatched != null && dispatched < epoch) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives up the batches touching {@code partitions} that have not begun to write (a batch writing is left to
     * finish: never half written).
     *
     * @return the batches given up, no longer in flight
     */
    List<Batch> giveUp(Set<TopicPartition> partitions) {
        List<Batch> given = new ArrayList<>();
        for (Batch batch : List.copyOf(batches.values())) {
            if (batch.touches(partitions) && batch.ticket().abandon()) {
                batches.remove(batch.ticket());
                given.add(batch);
            }
        }
        return given;
    }

    /** Every batch in flight (for invariants and tests). */
    List<Batch> all() {
        return List.copyOf(batches.values());
    }

    /** Forgets every batch, giving up those not writing (after the loop failed: their results are dropped). */
    void clear() {
        batches.values().forEach(batch -> batch.ticket().abandon());
        batches.clear();
    }
}
