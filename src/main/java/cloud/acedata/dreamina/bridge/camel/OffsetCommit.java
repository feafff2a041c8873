package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the input offsets of one batch may be committed: each partition up to its first record that was not
 * written — that record and every one after it are read again — or past its last record when all were written.
 * Records are added in the order the consumer delivered them (increasing offsets within a partition).
 */
public final class OffsetCommit {

    private final Map<TopicPartition, Long> next = new LinkedHashMap<>();
    private final Map<TopicPartition, Boolean> held = new LinkedHashMap<>();

    /** One record of the batch: {@code written} when it is on its destination topic (now or before). */
    public void add(TopicPartition partition, long offset, boolean written) {
        if (held.getOrDefault(partition, false)) {
            return;
        }
        if (written) {
            next.put(partition, offset + 1);
        } else {
            next.put(partition, offset);
            held.put(partition, true);
        }
    }

    /** The offsets to commit: the next record to read, per partition. */
    public Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        return offsets;
    }

    /** Whether some partition is held at a record that was not written. */
    public boolean held() {
        return held.containsValue(true);
    }
}
