package cloud.acedata.dreamina.bridge.task;

import java.util.Locale;
import java.util.Set;

/**
 * Decides whether one task detail (the answer of {@code retrieve}, or one item of {@code retrieve_batch}) is
 * finished, failed or still pending.
 *
 * <p>The rule, in order (docs/tasks-api.md, "Finished, failed, still running"):
 * <ol>
 *   <li>No detail, or an empty object {@code {}} (the task does not exist or has no result yet): PENDING.</li>
 *   <li>{@code response.success == false}: FAILED, with {@code response.error.message} (or its code) as reason.</li>
 *   <li>{@code response.data.status} "done" (any case) and a non-empty {@code response.data.video_url}: DONE.
 *       "done" without a video URL is FAILED. {@code data} echoes the input {@code image_url} and
 *       {@code audio_url}, so their presence says nothing.</li>
 *   <li>Status failed, failure, error, cancelled, canceled or rejected (any case): FAILED.</li>
 *   <li>Anything else (pending, processing, no status, an unknown value): PENDING; the poller's time bound
 *       ends a task that never finishes.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class TaskAnswerClassifier {

    /** Statuses the vendor's CLI and SDK treat as terminal failures (only "done" is documented). */
    public static final Set<String> FAILURE_STATUSES =
            Set.of("failed", "failure", "error", "cancelled", "canceled", "rejected");

    private static final String DONE = "done";
    private static final int MAX_REASON_CHARS = 200;

    public TaskVerdict classify(TaskDetail detail) {
        if (detail == null || detail.empty()) {
            return TaskVerdict.pending(null);
        }
        String status = detail.status();
        if (Boolean.FALSE.equals(detail.success())) {
            String error = errorMessage(detail);
            return TaskVerdict.failed(status, limit(error != null ? error : "response.success=false"));
        }
        String normalized = status == null ? "" : status.strip().toLowerCase(Locale.ROOT);
        if (normalized.equals(DONE)) {
            String videoUrl = detail.videoUrl();
            if (videoUrl == null || videoUrl.isBlank()) {
                return TaskVerdict.failed(status, "status done without video_url");
            }
            return TaskVerdict.done(status, videoUrl);
        }
        if (FAILURE_STATUSES.contains(normalized)) {
            String error = errorMessage(detail);
            return TaskVerdict.failed(status, limit("status " + status + (error != null ? ": " + error : "")));
        }
        return TaskVerdict.pending(status);
    }

    /** {@code response.error.message}, else {@code response.error.code}, else {@code null}. */
    private static String errorMessage(TaskDetail detail) {
        String message = detail.errorMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        String code = detail.errorCode();
        return code != null && !code.isBlank() ? code : null;
    }

    private static String limit(String reason) {
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int end = Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
        return reason.substring(0, end) + "…";
    }
}
