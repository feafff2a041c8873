package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.PendingTask;

import java.util.List;

/**
 * Does the work of a batch on a worker thread: polls due tasks and writes each task's outcome (output, dead letter,
 * or pending again), or writes tasks back to the pending topic to wait. Never throws: what happened is in the
 * {@link BatchResult}.
 */
public interface BatchHandler {

    /**
     * Polls the tasks and writes their outcomes.
     *
     * @param tasks  the due tasks
     * @param ticket claim it ({@link BatchTicket#claimForWriting}) before the first write
     */
    BatchResult handle(List<PendingTask> tasks, BatchTicket ticket);

    /**
     * Writes the tasks back to the pending topic as they are (their headers say when they are due again), without
     * asking the API: a task waiting on its own backoff waits there, not in memory, so it never holds its
     * partition's commit.
     *
     * @param ticket claim it before the first write, as for {@link #handle}
     */
    BatchResult writeBack(List<PendingTask> tasks, BatchTicket ticket);
}
