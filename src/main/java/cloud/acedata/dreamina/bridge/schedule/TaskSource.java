package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import org.apache.kafka.common.TopicPartition;

/**
 * The record a pending record was written back from, and which owner wrote it: header
 * {@value BridgeHeaders#PENDING_SOURCE}, {@code partition:offset:writer}. The scheduler sets it on every task it hands
 * over (this record, this epoch's writer token); a copy written back keeps it, so when read it names its source.
 *
 * @param writer the token of the epoch that handled the source ({@link PartitionLedger#writer})
 */
record TaskSource(TopicPartition partition, long offset, String writer) {

    /** The header's value. */
    String format() {
        return partition.partition() + ":" + offset + ":" + writer;
    }

    /** The source a header names, or null when there is none or it cannot be read (then the copy counts as live). */
    static TaskSource parse(String topic, String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.split(":", 3);
        if (parts.length != 3 || parts[2].isEmpty()) {
            return null;
        }
        try {
            int partition = Integer.parseInt(parts[0]);
            long offset = Long.parseLong(parts[1]);
            return partition < 0 || offset < 0 ? null : new TaskSource(new TopicPartition(topic, partition), offset,
                    parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
