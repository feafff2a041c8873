package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Input records that were written (acknowledged on the pending or dead-letter topic) but whose partition's offset is
 * not committed past them yet — because a record before them failed, or the commit itself failed. When the consumer
 * reads them again they are skipped, so a failed write in the middle of a poll does not put a second copy of the records after it on
 * the pending topic (a second pending copy would mean a second output record).
 *
 * <p>In memory, shared by the input consumers of one bridge: what it covers is a retry or re-read within this
 * process. After a crash, or when the partition moves to another instance before the failed record is written,
 * those records may be written again (at-least-once, as after {@code kill -9}). Offsets below a committed offset are
 * forgotten at each commit, so it holds at most the records of a batch or so per partition.
 */
public final class WrittenAhead {

    private final Map<TopicPartition, NavigableSet<Long>> written = new HashMap<>();

    public synchronized boolean contains(TopicPartition partition, long offset) {
        NavigableSet<Long> offsets = written.get(partition);
        return offsets != null && offsets.contains(offset);
    }

    public synchronized void add(TopicPartition partition, long offset) {
        written.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }

    /** Forgets every offset below the committed ones: the consumer will not read those again. */
    public synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, committed) -> {
            NavigableSet<Long> offsetsOfPartition = written.get(partition);
            if (offsetsOfPartition != null) {
                offsetsOfPartition.headSet(committed.offset(), false).clear();
                if (offsetsOfPartition.isEmpty()) {
                    written.remove(partition);
                }
            }
        });
    }

    /** How many offsets are remembered, over all partitions. */
    public synchronized int size() {
        return written.values().stream().mapToInt(NavigableSet::size).sum();
    }
}
