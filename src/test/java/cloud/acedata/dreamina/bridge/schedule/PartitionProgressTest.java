package cloud.acedata.dreamina.bridge.schedule;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionProgressTest {

    private final PartitionProgress progress = new PartitionProgress();

    /** The offset a running scheduler commits: the commit point, when it moved since the last commit. */
    private static OptionalLong committable(PartitionProgress progress) {
        long point = progress.commitPoint();
        return point > progress.committedOffset() ? OptionalLong.of(point) : OptionalLong.empty();
    }

    private void queueAndSend(long... offsets) {
        for (long offset : offsets) {
            progress.queued(offset);
            progress.inFlight(offset);
        }
    }

    @Test
    void nothingIsCommittedBeforeThePartitionWasRead() {
        assertEquals(OptionalLong.empty(), committable(progress));
    }

    @Test
    void theCommitStopsAtTheFirstRecordWhoseOutcomeIsNotAcknowledged() {
        queueAndSend(0, 1, 2, 3);
        progress.done(1);
        progress.done(3);
        assertEquals(OptionalLong.of(0), committable(progress), "0 is still in flight");

        progress.done(0);
        assertEquals(OptionalLong.of(2), committable(progress), "0 and 1 done; 2 in flight");
        progress.committed(2, "");

        progress.done(2);
        assertEquals(OptionalLong.of(4), committable(progress), "everything read is done");
        progress.committed(4, "");
        assertEquals(OptionalLong.empty(), committable(progress), "nothing new to commit");
    }

    /** What a commit cannot say (done beyond the first record not done) goes into its metadata, and comes back. */
    @Test
    void theRecordsDoneBeyondTheCommitAreToldAndANewOwnerSkipsThem() {
        queueAndSend(0, 1, 2, 3, 4);
        progress.done(0);
        progress.done(2);
        progress.done(4);
        long point = progress.commitPoint();
        assertEquals(1, point);
        assertEquals(java.util.List.of(2L, 4L), progress.doneAfter(point));
        String metadata = DoneOffsets.encode(point, progress.doneAfter(point));
        assertTrue(progress.isNews(point, metadata));
        progress.committed(point, metadata);
        assertFalse(progress.isNews(point, metadata), "said already");

        PartitionProgress next = new PartitionProgress();
        next.restoreDone(DoneOffsets.decode(point, metadata));
        next.committed(point, metadata);
        assertTrue(next.isNew(1) && next.isNew(3), "given up at the stop: handled by the next owner");
        assertFalse(next.isNew(2) || next.isNew(4), "done before the stop: skipped");
        next.queued(1);
        next.read(2);
        next.queued(3);
        next.read(4);
        next.inFlight(1);
        next.inFlight(3);
        next.done(1);
        next.done(3);
        assertEquals(OptionalLong.of(5), committable(next), "past the skipped records once the others are done");
    }

    @Test
    void theCommitNeverPassesWhereTheConsumerReadsNext() {
        queueAndSend(0, 1);
        progress.done(0);
        progress.done(1);
        progress.soughtTo(2); // 2 is not due yet: sought back to it
        assertEquals(OptionalLong.of(2), committable(progress));
    }

    @Test
    void aFailedWriteIsReadAgainAndTheRecordsAlreadyTakenAreNot() {
        queueAndSend(0, 1, 2, 3);
        progress.done(0);
        progress.done(1);
        progress.done(3);
        progress.readAgain(2);

        assertEquals(2, progress.rewindTo(2), "the consumer goes back to the failed record");
        assertEquals(OptionalLong.of(2), committable(progress));
        assertTrue(progress.isNew(2), "the failed one is handled again");
        assertFalse(progress.isNew(3), "the acknowledged one behind it is not written a second time");

        progress.queued(2);
        progress.read(3);
        progress.inFlight(2);
        progress.done(2);
        assertEquals(OptionalLong.of(4), committable(progress));
    }

    @Test
    void aRewindNeverMovesTheConsumerForwardPastAnEarlierRewind() {
        queueAndSend(0, 1, 2);
        progress.readAgain(0);
        assertEquals(0, progress.rewindTo(0));
        progress.readAgain(2);
        assertEquals(0, progress.rewindTo(2), "still reading from 0");
    }

    @Test
    void aRecordBackInTheQueueHoldsTheCommit() {
        queueAndSend(0, 1);
        progress.requeued(0);
        progress.done(1);
        assertEquals(OptionalLong.of(0), committable(progress));
        assertFalse(progress.isNew(0), "queued again in memory: not taken a second time when read again");
    }
}
