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
