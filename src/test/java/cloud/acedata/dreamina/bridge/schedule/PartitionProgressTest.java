package cloud.acedata.dreamina.bridge.schedule;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionProgressTest {

    private final PartitionProgress progress = new PartitionProgress();

    private void queueAndSend(long... offsets) {
        for (long offset : offsets) {
            progress.queued(offset);
            progress.inFlight(offset);
        }
    }

    @Test
    void nothingIsCommittedBeforeThePartitionWasRead() {
        assertEquals(OptionalLong.empty(), progress.committable());
    }

    @Test
    void theCommitStopsAtTheFirstRecordWhoseOutcomeIsNotAcknowledged() {
        queueAndSend(0, 1, 2, 3);
        progress.done(1);
        progress.done(3);
        assertEquals(OptionalLong.of(0), progress.committable(), "0 is still in flight");

        progress.done(0);
        assertEquals(OptionalLong.of(2), progress.committable(), "0 and 1 done; 2 in flight");
        progress.committed(2);

        progress.done(2);
        assertEquals(OptionalLong.of(4), progress.committable(), "everything read is done");
        progress.committed(4);
        assertEquals(OptionalLong.empty(), progress.committable(), "nothing new to commit");
    }

    @Test
    void theCommitNeverPassesWhereTheConsumerReadsNext() {
        queueAndSend(0, 1);
        progress.done(0);
        progress.done(1);
        progress.soughtTo(2); // 2 is not due yet: sought back to it
        assertEquals(OptionalLong.of(2), progress.committable());
    }

    @Test
    void aFailedWriteIsReadAgainAndTheRecordsAlreadyTakenAreNot() {
        queueAndSend(0, 1, 2, 3);
        progress.done(0);
        progress.done(1);
        progress.done(3);
        progress.readAgain(2);

        assertEquals(2, progress.rewindTo(2), "the consumer goes back to the failed record");
        assertEquals(OptionalLong.of(2), progress.committable());
        assertTrue(progress.isNew(2), "the failed one is handled again");
        assertFalse(progress.isNew(3), "the acknowledged one behind it is not written a second time");

        progress.queued(2);
        progress.read(3);
        progress.inFlight(2);
        progress.done(2);
        assertEquals(OptionalLong.of(4), progress.committable());
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
        assertEquals(OptionalLong.of(0), progress.committable());
        assertFalse(progress.isNew(0), "queued again in memory: not taken a second time when read again");
    }
}
