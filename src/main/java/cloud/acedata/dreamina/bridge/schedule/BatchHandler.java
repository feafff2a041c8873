package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.PendingTask;

import java.util.List;

/**
 * Polls a batch of due tasks and writes each task's outcome (output, dead letter, or pending again), on a worker
 * thread. Never throws: what happened is in the {@link BatchResult}.
 */
@FunctionalInterface
public interface BatchHandler {

    /**
     * @param tasks  the due tasks
     * @param ticket claim it ({@link BatchTicket#claimForWriting}) before the first write
     */
    BatchResult handle(List<PendingTask> tasks, BatchTicket ticket);
}
