package cloud.acedata.dreamina.bridge.schedule;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("pending", 0);
    private static final TopicPartition P1 = new TopicPartition("pending", 1);

    private final PartitionLedger fresh = new PartitionLedger(P0, 1, "me", -1, "", List.of());

    private static void readyAndSend(PartitionLedger ledger, long... offsets) {
        for (long offset : offsets) {
            ledger.ready(offset);
            ledger.inFlight(offset);
        }
    }

    @Test
    void nothingIsCommittedBeforeThePartitionWasRead() {
        assertEquals(-1, fresh.commitPoint());
    }

    @Test
    void theCommitStopsAtTheFirstRecordWhoseOutcomeIsNotAcknowledged() {
        readyAndSend(fresh, 0, 1, 2, 3);
        fresh.done(1);
        assertEquals(0, fresh.commitPoint(), "0 is still in flight");
        fresh.done(0);
        assertEquals(2, fresh.commitPoint(), "0 and 1 done; 2 in flight");
        assertEquals(List.of(3L), List.copyOf(fresh.inState(PartitionLedger.State.IN_FLIGHT)).subList(1, 2));
        fresh.done(2);
        fresh.done(3);
        assertEquals(4, fresh.commitPoint(), "everything read is done");
        assertEquals(0, fresh.size(), "nothing kept below the commit point");
    }

    @Test
    void theCommitNeverPassesWhereTheConsumerReadsNext() {
        readyAndSend(fresh, 0, 1);
        fresh.done(0);
        fresh.done(1);
        fresh.notDueYet(2, 5_000);
        assertEquals(2, fresh.commitPoint());
        assertTrue(fresh.isPaused(4_999) && !fresh.isPaused(5_000));
    }

    @Test
    void aFailedWriteIsReadAgainAndTheRecordsAlreadyDoneAreNot() {
        readyAndSend(fresh, 0, 1, 2, 3);
        fresh.done(0);
        fresh.done(1);
        fresh.done(3);
        assertEquals(2, fresh.readAgain(2), "the consumer goes back to the failed record");
        assertEquals(2, fresh.commitPoint());
        assertTrue(fresh.isNew(2), "the failed one is handled again");
        assertFalse(fresh.isNew(3), "the acknowledged one behind it is not written a second time");
        assertEquals(0, fresh.readAgain(0), "an earlier rewind wins");
        assertEquals(0, fresh.readAgain(2), "still reading from 0");
    }

    @Test
    void theRecordsDoneBeyondTheCommitAreToldAndANewEpochSkipsThem() {
        readyAndSend(fresh, 0, 1, 2, 3, 4);
        fresh.done(0);
        fresh.done(2);
        fresh.done(4);
        long point = fresh.commitPoint();
        assertEquals(1, point);
        assertEquals(List.of(2L, 4L), fresh.doneAfter(point));
        String metadata = DoneOffsets.encode(point, fresh.doneAfter(point));
        assertTrue(fresh.isNews(point, metadata));
        fresh.acknowledged(point, metadata);
        assertFalse(fresh.isNews(point, metadata), "acknowledged already");

        PartitionLedger next = new PartitionLedger(P0, 2, "next", point, metadata,
                DoneOffsets.decode(point, metadata));
        assertTrue(next.isNew(1) && next.isNew(3), "not done at the stop: handled by the next owner");
        assertFalse(next.isNew(2) || next.isNew(4), "done before the stop: skipped");
    }

    /**
     * The copies of a task written back before a crash, read by the next owner: a copy of a record the next owner
     * handles itself is stale; a copy whose source was committed, or named done, by the previous owner is live.
     */
    @Test
    void aCopyOfARecordThisEpochHandlesItselfIsStale() {
        PartitionLedger next = new PartitionLedger(P0, 2, "next", 10, "", List.of(12L));
        assertTrue(next.isStaleCopy(new TaskSource(P0, 10, "earlier")), "its source is read again here");
        assertTrue(next.isStaleCopy(new TaskSource(P0, 11, "earlier")));
        assertFalse(next.isStaleCopy(new TaskSource(P0, 9, "earlier")), "its source was committed: the live copy");
        assertFalse(next.isStaleCopy(new TaskSource(P0, 12, "earlier")), "its source was named done: live");
        assertFalse(next.isStaleCopy(new TaskSource(P0, 11, "next")), "written by this epoch: live");
        assertFalse(next.isStaleCopy(new TaskSource(P1, 11, "earlier")), "another partition's: cannot judge, live");
        assertFalse(next.isStaleCopy(null), "no source (an ingested task): live");
    }

    @Test
    void withoutACommitTheEpochStartsAtTheFirstRecordRead() {
        assertFalse(fresh.isStaleCopy(new TaskSource(P0, 0, "earlier")), "nothing read yet");
        fresh.read(5);
        assertTrue(fresh.isStaleCopy(new TaskSource(P0, 5, "earlier")));
        assertFalse(fresh.isStaleCopy(new TaskSource(P0, 4, "earlier")), "before this epoch's first record");
    }

    @Test
    void theSourceHeaderRoundTripsAndAnUnreadableOneNamesNoSource() {
        TaskSource source = new TaskSource(P1, 42, "abc");
        assertEquals(source, TaskSource.parse("pending", source.format()));
        for (String bad : new String[] {null, "", "1:2", "x:2:w", "1:y:w", "-1:2:w", "1:-2:w", "1:2:"}) {
            assertEquals(null, TaskSource.parse("pending", bad), bad);
        }
    }

    /** A transaction's commit marker takes an offset a read_committed consumer never returns. */
    @Test
    void theCommitGoesPastTheMarkersTheConsumerSkipped() {
        PartitionLedger ledger = new PartitionLedger(P0, 1, "me", 10, "", List.of());
        ledger.ready(10);
        ledger.done(10);
        assertEquals(11, ledger.commitPoint(), "the record done");
        ledger.readUpTo(12);
        assertEquals(12, ledger.commitPoint(), "past the marker at 11");
        ledger.readUpTo(5);
        assertEquals(12, ledger.commitPoint(), "never back");
    }

    @Test
    void aPartitionWithOnlyAMarkerBeyondItsCommitCommitsPastIt() {
        PartitionLedger ledger = new PartitionLedger(P0, 1, "me", 40, "", List.of());
        assertEquals(40, ledger.commitPoint());
        ledger.readUpTo(41);
        assertEquals(41, ledger.commitPoint());
    }

    @Test
    void aRecordWaitingBeforeTheConsumersPositionStillHoldsTheCommit() {
        PartitionLedger ledger = new PartitionLedger(P0, 1, "me", 0, "", List.of());
        ledger.ready(0);
        ledger.ready(1);
        ledger.done(1);
        ledger.readUpTo(3);
        assertEquals(0, ledger.commitPoint(), "record 0 still waits");
    }

    /** What exactly-once's back-pressure reads: the metadata the broker holds for the partition now. */
    @Test
    void theAcknowledgedMetadataIsTheInheritedOneUntilACommitOfThisEpochIsAcknowledged() {
        PartitionLedger ledger = new PartitionLedger(P0, 1, "me", 10, "d1:2", List.of(12L));
        assertEquals(4, ledger.acknowledgedMetadataLength());
        ledger.acknowledged(13, "");
        assertEquals(0, ledger.acknowledgedMetadataLength());
    }
}
