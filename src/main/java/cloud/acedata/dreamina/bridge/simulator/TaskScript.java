package cloud.acedata.dreamina.bridge.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a simulated task behaves over time, measured from its creation (or, for {@code finishAfter}, from its first
 * poll when {@code countsFromFirstPoll}: a task that takes its time from the moment a client first asks about it).
 *
 * <ul>
 *   <li>Before {@code visibleAfter} the API answers {@code {}} for it and leaves it out of batch answers
 *       ("the task does not exist or has no result yet" in docs/tasks-api.md).</li>
 *   <li>Once visible and until {@code finishAfter}: status "pending" during the first half of that span,
 *       then "processing".</li>
 *   <li>From {@code finishAfter} on: what {@code outcome} says. A {@code null} {@code finishAfter} (only for
 *       {@link Outcome#NEVER}) means "pending" forever.</li>
 * </ul>
 *
 * @param outcome       what the task ends as
 * @param visibleAfter  how long the task stays unknown to the API after its creation
 * @param finishAfter   when the task finishes, from its creation; {@code null} only for NEVER: pending forever
 * @param failureStatus the {@code response.data.status} of a FAILED task
 * @param errorCode     the {@code response.error.code} of a RESPONSE_FAILED task
 * @param errorMessage  the {@code response.error.message} of a RESPONSE_FAILED task
 * @param imageUrl      the creation request's image_url, or {@code null} for a generated one
 * @param audioUrl      the creation request's audio_url, or {@code null} for a generated one
 * @param countsFromFirstPoll {@code finishAfter} counts from the first request naming the task, not from its creation
 */
public record TaskScript(
        Outcome outcome,
        Duration visibleAfter,
        Duration finishAfter,
        String failureStatus,
        String errorCode,
        String errorMessage,
        String imageUrl,
        String audioUrl,
        boolean countsFromFirstPoll) {

    /** What a task ends as. */
    public enum Outcome {
        /** {@code response.data.status} "done" with a {@code video_url}: the only success. */
        DONE,
        /** A failure status such as "failed" (the vendor's CLI and SDK treat several such values as terminal). */
        FAILED,
        /** Status "done" but no {@code video_url}: not a success (docs/tasks-api.md). */
        DONE_WITHOUT_VIDEO,
        /** {@code response.success=false} with {@code response.error {code, message}}. */
        RESPONSE_FAILED,
        /** Never finishes: "pending" (then "processing" if a finishAfter is given) forever. */
        NEVER
    }

    /** A script whose {@code finishAfter} counts from the task's creation. */
    public TaskScript(Outcome outcome, Duration visibleAfter, Duration finishAfter, String failureStatus,
                      String errorCode, String errorMessage, String imageUrl, String audioUrl) {
        this(outcome, visibleAfter, finishAfter, failureStatus, errorCode, errorMessage, imageUrl, audioUrl, false);
    }

    public TaskScript {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(visibleAfter, "visibleAfter");
        if (finishAfter == null && outcome != Outcome.NEVER) {
            throw new IllegalArgumentException("finishAfter is required unless the outcome is NEVER");
        }
        if (visibleAfter.isNegative() || (finishAfter != null && finishAfter.isNegative())) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** A task of the given outcome finishing after {@code finishAfter}, with default failure details. */
    public static TaskScript of(Outcome outcome, Duration finishAfter) {
        return new TaskScript(outcome, Duration.ZERO, finishAfter, "failed", "api_error",
                "the video could not be generated", null, null);
    }

    public static TaskScript done(Duration finishAfter) {
        return of(Outcome.DONE, finishAfter);
    }

    public static TaskScript failed(Duration finishAfter) {
        return failed("failed", finishAfter);
    }

    public static TaskScript failed(String status, Duration finishAfter) {
        return of(Outcome.FAILED, finishAfter).withFailureStatus(status);
    }

    public static TaskScript doneWithoutVideo(Duration finishAfter) {
        return of(Outcome.DONE_WITHOUT_VIDEO, finishAfter);
    }

    public static TaskScript responseFailed(Duration finishAfter) {
        return of(Outcome.RESPONSE_FAILED, finishAfter);
    }

    public static TaskScript responseFailed(String code, String message, Duration finishAfter) {
        return new TaskScript(Outcome.RESPONSE_FAILED, Duration.ZERO, finishAfter, "failed", code, message,
                null, null);
    }

    /** A task that stays "pending" forever (a task "can sit in pending for a long time", docs/tasks-api.md). */
    public static TaskScript never() {
        return of(Outcome.NEVER, null);
    }

    /** This script, but unknown to the API for {@code delay} after creation. */
    public TaskScript visibleAfter(Duration delay) {
        return new TaskScript(outcome, delay, finishAfter, failureStatus, errorCode, errorMessage, imageUrl,
                audioUrl, countsFromFirstPoll);
    }

    public TaskScript withFailureStatus(String status) {
        return new TaskScript(outcome, visibleAfter, finishAfter, Objects.requireNonNull(status, "status"),
                errorCode, errorMessage, imageUrl, audioUrl, countsFromFirstPoll);
    }

    /** This script with the given creation inputs, echoed in {@code request} and {@code response.data}. */
    public TaskScript withInputs(String image, String audio) {
        return new TaskScript(outcome, visibleAfter, finishAfter, failureStatus, errorCode, errorMessage, image,
                audio, countsFromFirstPoll);
    }

    /**
     * This script, but {@code finishAfter} counts from the first request that names the task (a {@code retrieve} or
     * a {@code retrieve_batch} that reaches the answer), not from its creation: "done 15 s after its first poll".
     */
    public TaskScript fromFirstPoll() {
        return new TaskScript(outcome, visibleAfter, finishAfter, failureStatus, errorCode, errorMessage, imageUrl,
                audioUrl, true);
    }
}
