package cloud.acedata.dreamina.bridge.task;

/**
 * The task one input record asks about: a task id, a trace id, or both.
 *
 * <p>The Tasks API retrieves a task by its top-level {@code id} or by its {@code trace_id}; correlation uses
 * these, never {@code response.data.task_id} (the same id without hyphens). At least one must be given.
 *
 * @param taskId  the task's top-level {@code id}, or {@code null}
 * @param traceId the task's {@code trace_id}, or {@code null}
 */
public record TaskReference(String taskId, String traceId) {

    public TaskReference {
        if (taskId == null && traceId == null) {
            throw new IllegalArgumentException("a task reference needs a task id or a trace id");
        }
    }

    /** The correlation key: the task id if present, else the trace id. */
    public String key() {
        return taskId != null ? taskId : traceId;
    }

    /** Whether this reference carries a task id (else only a trace id). */
    public boolean hasTaskId() {
        return taskId != null;
    }
}
