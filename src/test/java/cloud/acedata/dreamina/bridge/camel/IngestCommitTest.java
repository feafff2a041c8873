package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestCommitTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @Test
    void everyRecordWrittenMovesEachPartitionPastItsLastRecord() {
        IngestCommit commit = new IngestCommit(Map.of(P0, new OffsetAndMetadata(3)));
        for (long offset = 3; offset < 6; offset++) {
            assertFalse(commit.writtenBefore(P0, offset));
            assertTrue(commit.mayWrite(P0, offset));
        }
        assertTrue(commit.mayWrite(P1, 0), "a partition never committed");

        assertEquals(Map.of(P0, new OffsetAndMetadata(6, ""), P1, new OffsetAndMetadata(1, "")), commit.offsets());
        assertTrue(commit.held().isEmpty());
    }

    @Test
    void aHeldRecordStopsItsPartitionAndTheRecordsBehindItAreNamedInTheMetadata() {
        IngestCommit commit = new IngestCommit(Map.of(P0, new OffsetAndMetadata(0)));
        commit.mayWrite(P0, 0);
        commit.mayWrite(P0, 1);
        commit.mayWrite(P0, 2);
        commit.hold(P0, 3);
        commit.mayWrite(P0, 4);
        commit.mayWrite(P0, 5);
        commit.mayWrite(P0, 6);
        commit.mayWrite(P1, 7);

        assertEquals(new OffsetAndMetadata(3, "ingest-written:1-3"), commit.offsets().get(P0));
        assertEquals(new OffsetAndMetadata(8, ""), commit.offsets().get(P1), "another partition is not held");
        assertEquals(Map.of(P0, 3L), commit.held());
    }

    @Test
    void readAgainTheRecordsNamedAreSkippedAndTheHeldOneWrittenLetsTheOffsetPassThemAll() {
        IngestCommit commit = new IngestCommit(Map.of(P0, new OffsetAndMetadata(3, "ingest-written:1-3")));
        assertFalse(commit.writtenBefore(P0, 3));
        commit.hold(P0, 3);
        assertTrue(commit.writtenBefore(P0, 4));
        assertTrue(commit.writtenBefore(P0, 5));
        assertTrue(commit.writtenBefore(P0, 6));
        assertTrue(commit.mayWrite(P0, 7), "a new record behind the held one");

        assertEquals(new OffsetAndMetadata(3, "ingest-written:1-4"), commit.offsets().get(P0),
                "still held; the new record joins the range");

        commit.written(P0, 3);
        assertEquals(new OffsetAndMetadata(8, ""), commit.offsets().get(P0));
        assertTrue(commit.held().isEmpty());
    }

    @Test
    void aPollThatEndsBeforeTheNamedRecordsMovesPastThemWhenTheyFollowAtOnce() {
        IngestCommit commit = new IngestCommit(Map.of(P0, new OffsetAndMetadata(3, "ingest-written:2-5")));
        commit.mayWrite(P0, 3);
        commit.mayWrite(P0, 4);

        assertEquals(new OffsetAndMetadata(9, ""), commit.offsets().get(P0), "5..8 were written before");

        IngestCommit partial = new IngestCommit(Map.of(P0, new OffsetAndMetadata(3, "ingest-written:2-5")));
        partial.mayWrite(P0, 3);
        assertEquals(new OffsetAndMetadata(4, "ingest-written:1-4"), partial.offsets().get(P0),
                "4 not read yet: the named records kept, relative to the new offset");
    }

    @Test
    void recordsBelowTheCommittedOffsetAreWrittenBefore() {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        committed.put(P0, new OffsetAndMetadata(10));
        committed.put(P1, null);
        IngestCommit commit = new IngestCommit(committed);

        assertTrue(commit.writtenBefore(P0, 9));
        assertFalse(commit.writtenBefore(P1, 0));
        assertEquals(new OffsetAndMetadata(10, ""), commit.offsets().get(P0), "never back");
    }

    @Test
    void whenTheMetadataIsFullARecordBehindAHoldWaitsUnwritten() {
        StringBuilder full = new StringBuilder(WrittenBeyond.PREFIX);
        for (int i = 0; i < WrittenBeyond.MAX_RANGES; i++) {
            full.append(i == 0 ? "" : ",").append(2 + 2 * i);
        }
        IngestCommit commit = new IngestCommit(Map.of(P0, new OffsetAndMetadata(0, full.toString())));
        commit.hold(P0, 0);

        assertFalse(commit.mayWrite(P0, 1), "a 65th range");
        assertTrue(commit.writtenBefore(P0, 2));
        assertTrue(commit.mayWrite(P0, 3), "extends the range of 2");
        assertEquals(0, commit.offsets().get(P0).offset());
    }
}
