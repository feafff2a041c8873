package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one ingest transaction leaves the input offsets (exactly-once): each partition's offset moves past the records
 * written — in this transaction or a committed one before — up to the first record that could not be written (it
 * holds the partition); the records written behind it are named in the commit's metadata ({@link WrittenBeyond}).
 * Records are told in the order the consumer delivered them (increasing offsets within a partition).
 */
public final class IngestCommit {

    private final Map<TopicPartition, OffsetAndMetadata> committed;
    private final Map<TopicPartition, Partition> partitions = new LinkedHashMap<>();

    /** @param committed the group's committed offsets of the poll's partitions (a partition never committed: absent or null) */
    public IngestCommit(Map<TopicPartition, OffsetAndMetadata> committed) {
        this.committed = committed;
    }

    /** Whether a committed transaction wrote this record already: below the committed offset, or named beyond it. */
    public boolean writtenBefore(TopicPartition partition, long offset) {
        Partition p = partition(partition);
        boolean before = (p.committed >= 0 && offset < p.committed) || p.beyond.contains(offset);
        if (before) {
            p.read(offset, true);
        }
        return before;
    }

    /**
     * Whether the record may be written in this transaction: always, unless its partition is held by an earlier
     * record and the metadata has no room to name one more range (then it waits: false).
     */
    public boolean mayWrite(TopicPartition partition, long offset) {
        Partition p = partition(partition);
        if (p.holes.isEmpty() || p.beyond.add(offset, p.previous)) {
            p.read(offset, true);
            return true;
        }
        p.read(offset, false);
        return false;
    }

    /** The record cannot be written now: its partition's offset stays on it (the first such record of the partition). */
    public void hold(TopicPartition partition, long offset) {
        Partition p = partition(partition);
        p.read(offset, false);
        p.holes.add(offset);
    }

    /** A held record was written after all (in a transaction of its own): the offset may pass it. */
    public void written(TopicPartition partition, long offset) {
        Partition p = partition(partition);
        p.holes.remove(offset);
        p.filled.add(offset);
    }

    /** The first record holding each partition held, in the order the partitions were read. */
    public Map<TopicPartition, Long> held() {
        Map<TopicPartition, Long> held = new LinkedHashMap<>();
        partitions.forEach((partition, p) -> {
            if (!p.holes.isEmpty()) {
                held.put(partition, p.holes.get(0));
            }
        });
        return held;
    }

    /** The offsets to commit with the transaction: each partition's next record to read and its metadata. */
    public Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        partitions.forEach((partition, p) -> {
            long position = p.position();
            offsets.put(partition, new OffsetAndMetadata(position, p.beyond.encode(position)));
        });
        return offsets;
    }

    private Partition partition(TopicPartition partition) {
        return partitions.computeIfAbsent(partition, tp -> {
            OffsetAndMetadata commit = committed.get(tp);
            return commit == null ? new Partition(-1, new WrittenBeyond())
                    : new Partition(commit.offset(), WrittenBeyond.decode(commit.offset(), commit.metadata()));
        });
    }

    /** A record of the poll: its offset, and whether it is written (now or before) or not (held, or waiting). */
    private record Read(long offset, boolean written) {
    }

    /** One partition of the poll: its commit before, what this poll wrote and what holds it. */
    private static final class Partition {
        private final long committed;
        private final WrittenBeyond beyond;
        private final List<Long> holes = new ArrayList<>();
        /**
         * Held records written after all, each in a transaction of its own. Only a partition's first held record is
         * tried, so the offset passes it: it never needs to be named beyond.
         */
        private final Set<Long> filled = new HashSet<>();
        /** Records read, in order. */
        private final List<Read> records = new ArrayList<>();
        private long previous = -1;

        Partition(long committed, WrittenBeyond beyond) {
            this.committed = committed;
            this.beyond = beyond;
        }

        void read(long offset, boolean written) {
            records.add(new Read(offset, written));
            previous = offset;
        }

        /** Past every record written up to the first that is not (a hole, or one waiting behind it). */
        long position() {
            long position = committed >= 0 ? committed : records.isEmpty() ? 0 : records.get(0).offset();
            for (Read record : records) {
                boolean written = record.written() || filled.contains(record.offset());
                if (!written) {
                    break;
                }
                position = Math.max(position, record.offset() + 1);
            }
            return beyond.skipFrom(position);
        }
    }
}
