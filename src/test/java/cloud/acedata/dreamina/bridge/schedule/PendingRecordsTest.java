package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Examples of the rules {@link PendingRecordsPropertiesTest} checks at random. */
class PendingRecordsTest {

    private static final TopicPartition P0 = new TopicPartition("pending", 0);
    private static final TopicPartition P1 = new TopicPartition("pending", 1);
    private static final long NOW = 1_000_000;

    /** Park after 2 s; the n-th failure alone waits 1 s × 2^(n-1). */
    private final PendingRecords records = new PendingRecords(2_000, 0, n -> 1_000L << (n - 1),
            new SplittableRandom(3));

    private static PendingTask task(String id, long due, int failures) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(BridgeHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8));
        headers.put(BridgeHeaders.PENDING_DUE, String.valueOf(due).getBytes(StandardCharsets.UTF_8));
        if (failures > 0) {
            headers.put(BridgeHeaders.PENDING_FAILURES, String.valueOf(failures).getBytes(StandardCharsets.UTF_8));
        }
        return new PendingTask(null, new byte[0], headers);
    }

    private static List<String> ids(Batch batch) {
        return batch.entries().stream().map(e -> e.task().taskId()).toList();
    }

    @Test
    void aTaskAloneOnALongBackoffIsWrittenBackDueWhenItEndsWithItsFailuresCounted() {
        records.assign(P0, -1, "");
        records.take(P0, 0, task("bad", 0, 0), NOW);
        long now = NOW;
        for (long wait : new long[] {1_000, 2_000}) {
            records.apply(records.nextBatch(now, 50, true), BatchResult.requestFailed("500"), now, 100);
            assertNull(records.nextBatch(now, 50, true), "a backoff of " + wait + " ms waits in memory");
            now += wait;
        }
        records.apply(records.nextBatch(now, 50, true), BatchResult.requestFailed("500"), now, 100);
        Batch writeBack = records.nextBatch(now, 50, false);
        assertEquals(Batch.Kind.WRITE_BACK, writeBack.kind(), "4 s: written back, even with the API closed");
        PendingTask copy = PendingRecords.tasks(writeBack).get(0);
        assertEquals(now + 4_000, copy.dueAtMillis());
        assertEquals(3, copy.failures());
        assertEquals(new TaskSource(P0, 0, records.ledger(P0).writer()),
                TaskSource.parse("pending", copy.header(BridgeHeaders.PENDING_SOURCE)), "it names its source");

        records.apply(writeBack, BatchResult.done(1), now, 100);
        assertEquals(1, records.commits(List.of(P0), true).get(0).offset(), "the commit passes it");
    }

    @Test
    void aTaskReadBackAfterItsBackoffGoesAloneNotAtTheHeadOfHealthyOnes() {
        records.assign(P0, -1, "");
        records.take(P0, 0, task("bad", NOW, 3), NOW);
        records.take(P0, 1, task("ok1", NOW, 0), NOW);
        records.take(P0, 2, task("ok2", NOW, 0), NOW);

        assertEquals(List.of("bad"), ids(records.nextBatch(NOW, 50, true)));
        assertEquals(List.of("ok1", "ok2"), ids(records.nextBatch(NOW, 50, true)));
    }

    @Test
    void aMixedBatchGivenUpAtARevocationHandsTheKeptPartitionsRecordsBack() {
        records.assign(P0, -1, "");
        records.assign(P1, -1, "");
        records.take(P0, 0, task("a", NOW, 0), NOW);
        records.take(P1, 0, task("b", NOW, 0), NOW);
        Batch mixed = records.nextBatch(NOW, 50, true);
        assertEquals(List.of("a", "b"), ids(mixed));

        assertEquals(1, records.giveUp(Set.of(P1)));
        records.forget(List.of(P1));
        assertEquals(List.of("a"), ids(records.nextBatch(NOW, 50, true)), "the kept record waits again");
        records.apply(mixed, BatchResult.done(2), NOW, 100);
        assertEquals(PartitionLedger.State.IN_FLIGHT, records.ledger(P0).state(0),
                "the given-up batch's late result is dropped");
    }

    /**
     * Revoked while a batch was writing (past the write grace), then assigned back: the partition waits for that
     * batch; its acknowledged outcomes are skipped when read, the others are handled — none twice, none lost.
     */
    @Test
    void aPartitionAssignedBackWaitsForTheLateResultOfItsEarlierAssignment() {
        records.assign(P0, -1, "");
        records.take(P0, 0, task("a", NOW, 0), NOW);
        records.take(P0, 1, task("b", NOW, 0), NOW);
        records.take(P0, 2, task("c", NOW, 0), NOW);
        records.nextBatch(NOW, 1, true);
        Batch writing = records.nextBatch(NOW, 2, true);
        assertEquals(List.of("b", "c"), ids(writing));
        writing.ticket().claimForWriting();
        assertEquals(1, records.giveUp(Set.of(P0)), "a's batch given up; the one writing cannot be");
        records.forget(List.of(P0));
        records.assign(P0, -1, "");

        assertEquals(PendingRecords.Intake.NOT_DUE, records.take(P0, 0, task("a", NOW, 0), NOW));
        assertEquals(Set.of(P0), records.paused(NOW), "waits for the earlier batch");

        java.util.BitSet onlyB = new java.util.BitSet();
        onlyB.set(0);
        records.apply(writing, new BatchResult(BatchResult.Kind.WRITE_FAILED, onlyB, "c's write failed", null),
                NOW, 100);
        assertEquals(Set.of(), records.paused(NOW));
        assertEquals(0, records.commits(List.of(P0), true).get(0).offset(),
                "a not read yet, nor done: the commit does not pass it (b's late outcome names b only)");
        assertEquals(PendingRecords.Intake.READY, records.take(P0, 0, task("a", NOW, 0), NOW), "a: handled here");
        assertEquals(PendingRecords.Intake.SKIPPED, records.take(P0, 1, task("b", NOW, 0), NOW),
                "b's outcome was acknowledged: not handled again");
        assertEquals(PendingRecords.Intake.READY, records.take(P0, 2, task("c", NOW, 0), NOW),
                "c's was not: handled here");
        PendingRecords.Commit commit = records.commits(List.of(P0), true).get(0);
        assertEquals(0, commit.offset(), "a holds the commit");
        assertEquals(DoneOffsets.encode(0, List.of(1L)), commit.metadata(), "b named done beyond it");
    }
}
