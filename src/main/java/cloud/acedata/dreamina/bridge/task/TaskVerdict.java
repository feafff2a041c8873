package cloud.acedata.dreamina.bridge.task;

import java.util.Objects;

/**
 * The outcome of one task detail.
 *
 * @param state    DONE, FAILED or PENDING
 * @param status   {@code response.data.status} as the vendor wrote it, or {@code null} if absent
 * @param videoUrl the video's URL; present exactly when the state is DONE
 * @param reason   why the task failed; present exactly when the state is FAILED
 */
public record TaskVerdict(TaskState state, String status, String videoUrl, String reason) {

    public TaskVerdict {
        Objects.requireNonNull(state, "state");
        if ((state == TaskState.DONE) != (videoUrl != null)) {
            throw new IllegalArgumentException("a video URL is given exactly for a DONE verdict");
        }
        if ((state == TaskState.FAILED) != (reason != null)) {
            throw new IllegalArgumentException("a reason is given exactly for a FAILED verdict");
        }
    }

    public static TaskVerdict done(String status, String videoUrl) {
        return new TaskVerdict(TaskState.DONE, status, videoUrl, null);
    }

    public static TaskVerdict failed(String status, String reason) {
        return new TaskVerdict(TaskState.FAILED, status, null, reason);
    }

    public static TaskVerdict pending(String status) {
        return new TaskVerdict(TaskState.PENDING, status, null, null);
    }
}
