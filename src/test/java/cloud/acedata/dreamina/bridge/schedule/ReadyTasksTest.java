package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadyTasksTest {

    private static final TopicPartition P0 = new TopicPartition("pending", 0);
    private static final TopicPartition P1 = new TopicPartition("pending", 1);
    private static final long NOW = 1_000_000;

    private final ReadyTasks ready = new ReadyTasks();

    private static ReadyTasks.Entry entry(TopicPartition partition, long offset, long due) {
        PendingTask task = new PendingTask(null, new byte[0], Map.of(
                BridgeHeaders.TASK_ID, ("t" + partition.partition() + "-" + offset).getBytes(StandardCharsets.UTF_8),
                BridgeHeaders.PENDING_DUE, String.valueOf(due).getBytes(StandardCharsets.UTF_8)));
        return new ReadyTasks.Entry(partition, offset, task, 0, 0, 0);
    }

    private static List<String> ids(List<ReadyTasks.Entry> batch) {
        return batch.stream().map(e -> e.task().taskId()).toList();
    }

    private static ReadyTasks.Entry copy(String taskId, TopicPartition partition, long offset, long due) {
        PendingTask task = new PendingTask(null, new byte[0], Map.of(
                BridgeHeaders.TASK_ID, taskId.getBytes(StandardCharsets.UTF_8),
                BridgeHeaders.PENDING_DUE, String.valueOf(due).getBytes(StandardCharsets.UTF_8)));
        return new ReadyTasks.Entry(partition, offset, task, 0, 0, 0);
    }

    /**
     * A stopped instance leaves a gap: a task's record at offset 3 was never committed, yet the copy it wrote back
     * at 7 was. Read again, the later copy stands for the earlier: one request, not two (not two outputs).
     */
    @Test
    void aLaterRecordOfAWaitingTaskInTheSamePartitionStandsForTheEarlierOne() {
        ready.add(copy("t", P0, 3, NOW - 100));
        ready.add(copy("other", P0, 4, NOW - 100));

        assertEquals(3, ready.add(copy("t", P0, 7, NOW - 50)).orElseThrow().offset());
        assertEquals(List.of("other", "t"), ids(ready.takeBatch(NOW, 50, 0)), "t once, as its later record");
        assertTrue(ready.isEmpty());
    }

    /** A record requeued after its batch (the API was closed) while its later copy already waits: the copy stays. */
    @Test
    void anEarlierRecordComingBackDoesNotDisplaceItsLaterCopy() {
        ready.add(copy("t", P0, 7, NOW - 50));

        assertEquals(3, ready.add(copy("t", P0, 3, NOW - 100)).orElseThrow().offset(), "the earlier one is done");
        List<ReadyTasks.Entry> batch = ready.takeBatch(NOW, 50, 0);
        assertEquals(List.of(7L), batch.stream().map(ReadyTasks.Entry::offset).toList());
        assertTrue(ready.isEmpty());
    }

    @Test
    void onlyAnEarlierWaitingRecordOfTheSameTaskInTheSamePartitionIsSuperseded() {
        ready.add(copy("t", P0, 3, NOW));
        assertTrue(ready.add(copy("t", P1, 7, NOW)).isEmpty(), "another partition: another record");
        assertTrue(ready.add(copy("u", P0, 8, NOW)).isEmpty(), "another task");
        assertEquals(3, ready.size());

        assertEquals(List.of("t", "u", "t"), ids(ready.takeBatch(NOW, 50, 0)));
        assertTrue(ready.add(copy("t", P0, 9, NOW)).isEmpty(), "taken for a request: no longer waiting");
    }

    @Test
    void nothingGoesOutBeforeTheFirstTaskIsDueUnlessAWholeBatchIsReady() {
        ready.add(entry(P0, 0, NOW + 100));
        ready.add(entry(P1, 0, NOW + 150));

        assertTrue(ready.takeBatch(NOW, 3, 200).isEmpty(), "two of three ready, none due: wait");
        ready.add(entry(P1, 1, NOW + 190));
        assertEquals(List.of("t0-0", "t1-0", "t1-1"), ids(ready.takeBatch(NOW, 3, 200)), "a whole batch: now");
    }

    @Test
    void whenTheFirstIsDueEveryTaskDueWithinTheWindowGoesWithItAcrossPartitions() {
        ready.add(entry(P0, 0, NOW - 10));
        ready.add(entry(P1, 0, NOW + 150));
        ready.add(entry(P0, 1, NOW + 190));
        ready.add(entry(P1, 1, NOW + 500));

        assertEquals(List.of("t0-0", "t1-0", "t0-1"), ids(ready.takeBatch(NOW, 50, 200)));
        assertEquals(1, ready.size(), "the one beyond the window waits");
        assertEquals(NOW + 500, ready.firstDue().getAsLong());
    }

    @Test
    void withoutCoalescingOnlyDueTasksGoOut() {
        ready.add(entry(P0, 0, NOW));
        ready.add(entry(P0, 1, NOW + 1));
        assertEquals(List.of("t0-0"), ids(ready.takeBatch(NOW, 50, 0)));
    }

    @Test
    void anIsolatedTaskGoesInBatchesHalfAsLargeThenAloneOnItsOwnBackoff() {
        for (int i = 0; i < 8; i++) {
            ready.add(entry(P0, i, NOW).isolated());
        }
        assertEquals(4, ready.takeBatch(NOW, 8, 0).size(), "level 1: half a batch");
        assertEquals(4, ready.takeBatch(NOW, 8, 0).size());

        ReadyTasks.Entry alone = entry(P1, 0, NOW).isolated().isolated().isolated().failedAlone(NOW + 1000);
        ready.add(alone);
        ready.add(entry(P1, 1, NOW));
        assertEquals(List.of("t1-1"), ids(ready.takeBatch(NOW, 8, 0)), "the healthy one is not held back");
        assertTrue(ready.takeBatch(NOW, 8, 0).isEmpty(), "the failing one waits for its own backoff");
        assertEquals(List.of("t1-0"), ids(ready.takeBatch(NOW + 1000, 8, 0)));
    }

    @Test
    void theTasksOfARevokedPartitionAreForgotten() {
        ready.add(entry(P0, 0, NOW));
        ready.add(entry(P1, 0, NOW));
        ready.removePartitions(List.of(P0));
        assertEquals(List.of("t1-0"), ids(ready.takeBatch(NOW, 50, 0)));
    }
}
