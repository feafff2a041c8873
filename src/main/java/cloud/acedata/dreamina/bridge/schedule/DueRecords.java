package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one poll of the pending topic holds: the records that are due now, in partition order, and for each
 * partition whose next record is not due yet, where to seek back and until when to pause it. A partition is read
 * in order, so everything behind its first not-due record waits too (records are appended in about due order).
 *
 * @param due    the due records with the tasks they hold (read once), each partition's in offset order
 * @param pauses the partitions to pause: the offset to seek back to and when it is due
 */
record DueRecords(List<Due> due, Map<TopicPartition, Pause> pauses) {

    /** A due record and the pending task it holds. */
    record Due(ConsumerRecord<String, byte[]> record, PendingTask task) {
    }

    /** Where a partition resumes ({@code offset}) and when ({@code until}). */
    record Pause(long offset, Instant until) {
    }

    static DueRecords of(ConsumerRecords<String, byte[]> records, Instant now) {
        List<Due> due = new ArrayList<>();
        Map<TopicPartition, Pause> pauses = new LinkedHashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                PendingTask task = task(record);
                Instant dueAt = Instant.ofEpochMilli(task.dueAtMillis());
                if (dueAt.isAfter(now)) {
                    pauses.put(partition, new Pause(record.offset(), dueAt));
                    break;
                }
                due.add(new Due(record, task));
            }
        }
        return new DueRecords(due, pauses);
    }

    /** The offsets to commit once these records are handled: one past the last of each partition. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(Collection<ConsumerRecord<String, byte[]>> handled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : handled) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** Where each partition must be sought back to so that none of these records is skipped: its first one. */
    static Map<TopicPartition, Long> firstOffsets(Collection<ConsumerRecord<String, byte[]>> unhandled) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : unhandled) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        return first;
    }

    /** The pending task a record holds (a record without a readable due time is due now). */
    static PendingTask task(ConsumerRecord<String, byte[]> record) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        return new PendingTask(record.key(), record.value(), headers);
    }
}
