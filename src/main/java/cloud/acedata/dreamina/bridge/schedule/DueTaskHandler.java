package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.PendingTask;

import java.util.List;

/**
 * Handles a batch of due tasks completely: when it returns, every task's outcome (output, dead letter, or pending
 * again) has been written and acknowledged, so the batch's offsets may be committed.
 */
@FunctionalInterface
public interface DueTaskHandler {

    void handle(List<PendingTask> dueTasks) throws Exception;
}
