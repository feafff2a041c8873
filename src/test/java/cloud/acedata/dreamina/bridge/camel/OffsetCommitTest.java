package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetCommitTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @Test
    void everyRecordWrittenCommitsPastTheLastOne() {
        OffsetCommit commit = new OffsetCommit();
        commit.add(P0, 10, true);
        commit.add(P0, 11, true);
        commit.add(P0, 12, true);

        assertEquals(Map.of(P0, new OffsetAndMetadata(13)), commit.offsets());
        assertFalse(commit.held());
    }

    @Test
    void aFailedWriteHoldsItsPartitionAtThatRecordWhateverWasWrittenAfterIt() {
        OffsetCommit commit = new OffsetCommit();
        commit.add(P0, 10, true);
        commit.add(P0, 11, false);
        commit.add(P0, 12, true);
        commit.add(P0, 13, false);
        commit.add(P0, 14, true);

        assertEquals(Map.of(P0, new OffsetAndMetadata(11)), commit.offsets());
        assertTrue(commit.held());
    }

    @Test
    void aFailureOnTheFirstRecordCommitsThatRecordsOffset() {
        OffsetCommit commit = new OffsetCommit();
        commit.add(P0, 7, false);
        commit.add(P0, 8, true);

        assertEquals(Map.of(P0, new OffsetAndMetadata(7)), commit.offsets());
    }

    @Test
    void partitionsAreIndependent() {
        OffsetCommit commit = new OffsetCommit();
        commit.add(P0, 0, true);
        commit.add(P1, 100, true);
        commit.add(P0, 1, false);
        commit.add(P1, 101, true);
        commit.add(P0, 2, true);

        assertEquals(Map.of(P0, new OffsetAndMetadata(1), P1, new OffsetAndMetadata(102)), commit.offsets());
    }

    @Test
    void anEmptyBatchCommitsNothing() {
        assertEquals(Map.of(), new OffsetCommit().offsets());
    }
}
