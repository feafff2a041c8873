package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DueRecordsTest {

    private static final String TOPIC = "pending";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void dueRecordsAreHandedOnAndEachPartitionPausesAtItsFirstRecordNotDueYet() {
        ConsumerRecords<String, byte[]> polled = records(List.of(
                record(0, 10, due(-5_000)), record(0, 11, due(0)), record(0, 12, due(3_000)), record(0, 13, due(-1_000)),
                record(1, 7, due(-1))));

        DueRecords split = DueRecords.of(polled, NOW);

        assertEquals(List.of("0@10 task-0-10", "0@11 task-0-11", "1@7 task-1-7"), positions(split.due()));
        assertEquals(Map.of(P0, new DueRecords.Pause(12, NOW.plusMillis(3_000))), split.pauses(),
                "partition 0 resumes at its first record not due, even though one behind it is due");
    }

    @Test
    void aRecordWithoutAReadableDueTimeIsDueNowAndNeverParkedForever() {
        ConsumerRecords<String, byte[]> polled = records(List.of(record(0, 1, null),
                record(0, 2, "soon".getBytes(StandardCharsets.UTF_8))));

        DueRecords split = DueRecords.of(polled, NOW);

        assertEquals(List.of("0@1 task-0-1", "0@2 task-0-2"), positions(split.due()));
        assertTrue(split.pauses().isEmpty());
    }

    @Test
    void committedOffsetsAreOnePastTheLastHandledRecordOfEachPartition() {
        Map<TopicPartition, OffsetAndMetadata> offsets = DueRecords.nextOffsets(List.of(
                record(0, 10, due(0)), record(1, 3, due(0)), record(0, 11, due(0))));

        assertEquals(Map.of(P0, new OffsetAndMetadata(12), P1, new OffsetAndMetadata(4)), offsets);
    }

    @Test
    void aFailedBatchRewindsEachPartitionToItsFirstUnhandledRecord() {
        Map<TopicPartition, Long> rewind = DueRecords.firstOffsets(List.of(
                record(1, 8, due(0)), record(0, 11, due(0)), record(0, 12, due(0)), record(1, 9, due(0))));

        assertEquals(Map.of(P0, 11L, P1, 8L), rewind);
    }

    @Test
    void aRecordBecomesThePendingTaskItHolds() {
        ConsumerRecord<String, byte[]> record = record(0, 5, due(0));

        var task = DueRecords.task(record);

        assertEquals("key-0-5", task.key());
        assertArrayEquals(record.value(), task.value());
        assertEquals("task-0-5", task.taskId());
        assertEquals(NOW.toEpochMilli(), task.dueAtMillis());
    }

    private static byte[] due(long millisFromNow) {
        return String.valueOf(NOW.toEpochMilli() + millisFromNow).getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset, byte[] due) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(BridgeHeaders.TASK_ID,
                ("task-" + partition + "-" + offset).getBytes(StandardCharsets.UTF_8)));
        if (due != null) {
            headers.add(new RecordHeader(BridgeHeaders.PENDING_DUE, due));
        }
        return new ConsumerRecord<>(TOPIC, partition, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
                "key-" + partition + "-" + offset, ("value-" + offset).getBytes(StandardCharsets.UTF_8), headers,
                Optional.empty());
    }

    /** One poll's records, grouped by partition in partition order, each partition's in the order given. */
    private static ConsumerRecords<String, byte[]> records(List<ConsumerRecord<String, byte[]>> all) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition =
                new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        for (ConsumerRecord<String, byte[]> record : all) {
            byPartition.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                    partition -> new ArrayList<>()).add(record);
        }
        return new ConsumerRecords<>(new LinkedHashMap<>(byPartition), Map.of());
    }

    private static List<String> positions(List<DueRecords.Due> due) {
        List<String> positions = new ArrayList<>();
        due.forEach(d -> positions.add(d.record().partition() + "@" + d.record().offset() + " " + d.task().taskId()));
        return positions;
    }
}
