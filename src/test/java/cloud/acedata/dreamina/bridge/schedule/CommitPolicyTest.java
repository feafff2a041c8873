package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitPolicyTest {

    private static final TopicPartition P0 = new TopicPartition("pending", 0);
    private static final long NOW = 1_000_000;

    private final PendingRecords records = new PendingRecords(2_000, 0, n -> 100, new SplittableRandom(1));
    private final CommitPolicy policy = new CommitPolicy(100);
    private final FakeConsumer consumer = new FakeConsumer();

    /** The two commit calls, with their answers given by the test. */
    private static final class FakeConsumer implements CommitPolicy.Committer {
        final List<Map<TopicPartition, OffsetAndMetadata>> sent = new ArrayList<>();
        final List<OffsetCommitCallback> pending = new ArrayList<>();
        RuntimeException syncFailure;

        @Override
        public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            sent.add(offsets);
            pending.add(callback);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            sent.add(offsets);
            RuntimeException failure = syncFailure;
            syncFailure = null;
            if (failure != null) {
                throw failure;
            }
        }

        void answer(Exception failure) {
            OffsetCommitCallback callback = pending.remove(0);
            callback.onComplete(failure == null ? sent.get(sent.size() - 1) : null, failure);
        }

        OffsetAndMetadata last() {
            return sent.get(sent.size() - 1).get(P0);
        }
    }

    private void doneUpTo(int count) {
        for (int offset = 0; offset < count; offset++) {
            records.take(P0, offset, task("t" + offset), NOW);
        }
        Batch batch = records.nextBatch(NOW, count, true);
        BitSet all = new BitSet();
        all.set(0, count);
        records.apply(batch, new BatchResult(BatchResult.Kind.DONE, all, "", null), NOW, 100);
    }

    private static PendingTask task(String id) {
        return new PendingTask(null, new byte[0], Map.of(BridgeHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8),
                BridgeHeaders.PENDING_DUE, "0".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFailedCommitIsNotRememberedAsSentAndGoesAgain() {
        records.assign(P0, -1, "");
        doneUpTo(3);
        policy.maybeCommit(records, consumer, NOW);
        assertEquals(3, consumer.last().offset());
        policy.maybeCommit(records, consumer, NOW + 500);
        assertEquals(1, consumer.sent.size(), "one commit unanswered at a time");

        consumer.answer(new RebalanceInProgressException("coordinator moving"));
        assertEquals(-1, records.ledger(P0).acknowledgedOffset(), "a failed commit is not acknowledged");
        policy.maybeCommit(records, consumer, NOW + 500);
        assertEquals(2, consumer.sent.size(), "sent again");
        consumer.answer(null);
        assertEquals(3, records.ledger(P0).acknowledgedOffset());

        policy.maybeCommit(records, consumer, NOW + 1000);
        assertEquals(2, consumer.sent.size(), "nothing new: nothing sent");
        assertTrue(policy.commitNow(records, consumer, List.of(P0)), "nothing to say at the stop either");
        assertEquals(2, consumer.sent.size());
    }

    @Test
    void commitsGoNoMoreOftenThanTheInterval() {
        records.assign(P0, -1, "");
        doneUpTo(1);
        policy.maybeCommit(records, consumer, NOW);
        consumer.answer(null);
        records.take(P0, 1, task("t1"), NOW);
        Batch batch = records.nextBatch(NOW, 1, true);
        records.apply(batch, BatchResult.done(1), NOW, 100);
        policy.maybeCommit(records, consumer, NOW + 99);
        assertEquals(1, consumer.sent.size(), "within the interval: not yet");
        policy.maybeCommit(records, consumer, NOW + 100);
        assertEquals(2, consumer.last().offset());
    }

    @Test
    void aRefusedMetadataIsDroppedOnceAndTheCommitSentWithoutIt() {
        records.assign(P0, -1, "");
        for (int offset = 0; offset < 3; offset++) {
            records.take(P0, offset, task("t" + offset), NOW);
        }
        Batch first = records.nextBatch(NOW, 1, true);
        Batch rest = records.nextBatch(NOW, 2, true);
        records.apply(rest, BatchResult.done(2), NOW, 100);

        policy.maybeCommit(records, consumer, NOW);
        assertEquals(new OffsetAndMetadata(0, DoneOffsets.encode(0, List.of(1L, 2L))), consumer.last());
        consumer.answer(new OffsetMetadataTooLarge("offset.metadata.max.bytes"));
        assertFalse(policy.sendsMetadata());
        policy.maybeCommit(records, consumer, NOW + 1);
        assertEquals(new OffsetAndMetadata(0, ""), consumer.last(), "sent again at once, without the metadata");
        consumer.answer(null);
        assertEquals(0, records.ledger(P0).acknowledgedOffset());

        records.apply(first, BatchResult.done(1), NOW, 100);
        assertTrue(policy.commitNow(records, consumer, List.of(P0)));
        assertEquals(new OffsetAndMetadata(3, ""), consumer.last(), "later commits go without it too");
    }

    @Test
    void aStopWhoseMetadataIsRefusedCommitsAgainWithoutIt() {
        records.assign(P0, -1, "");
        for (int offset = 0; offset < 2; offset++) {
            records.take(P0, offset, task("t" + offset), NOW);
        }
        records.nextBatch(NOW, 1, true);
        records.apply(records.nextBatch(NOW, 1, true), BatchResult.done(1), NOW, 100);

        consumer.syncFailure = new OffsetMetadataTooLarge("offset.metadata.max.bytes");
        assertTrue(policy.commitNow(records, consumer, List.of(P0)));
        assertEquals(2, consumer.sent.size());
        assertEquals(new OffsetAndMetadata(0, ""), consumer.last());
        assertEquals(0, records.ledger(P0).acknowledgedOffset());
    }

    @Test
    void aStopCommitsWhatOnlyTheDoneSetChangedAndReportsAFailure() {
        records.assign(P0, -1, "");
        for (int offset = 0; offset < 2; offset++) {
            records.take(P0, offset, task("t" + offset), NOW);
        }
        records.nextBatch(NOW, 1, true);
        Batch second = records.nextBatch(NOW, 1, true);
        records.apply(second, BatchResult.done(1), NOW, 100);

        consumer.syncFailure = new RebalanceInProgressException("moving");
        assertFalse(policy.commitNow(records, consumer, List.of(P0)), "the failure is reported, not hidden");
        assertEquals(-1, records.ledger(P0).acknowledgedOffset());
        assertTrue(policy.commitNow(records, consumer, List.of(P0)));
        assertEquals(new OffsetAndMetadata(0, DoneOffsets.encode(0, List.of(1L))), consumer.last(),
                "the offset did not move, the records done beyond it are told");
    }
}
