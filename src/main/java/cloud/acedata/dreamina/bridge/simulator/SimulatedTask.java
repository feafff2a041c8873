package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One task known to the simulator. Its state at any moment follows from its {@link TaskScript}, the time elapsed
 * since its creation and, for a script that {@linkplain TaskScript#fromFirstPoll() counts from the first poll}, the
 * time of the first request that named it. Thread-safe.
 */
public final class SimulatedTask {

    static final String MODEL = "omnihuman-1.5";
    private static final String CDN = "https://cdn.acedata.cloud/";

    /** Where a task is at a given moment. */
    public enum Phase { INVISIBLE, PENDING, PROCESSING, FINISHED }

    private final String id;
    private final String traceId;
    private final TaskScript script;
    private final String imageUrl;
    private final String audioUrl;
    private final String videoUrl;
    private final Instant createdAt;
    private final long createdNanos;
    /** {@link System#nanoTime()} of the first request naming the task; 0 until then. */
    private final AtomicLong firstPolledNanos = new AtomicLong();
    private final AtomicInteger polls = new AtomicInteger();
    /** The finished detail never changes: serialized once, at the first answer that shows it. */
    private volatile byte[] finishedDetail;

    SimulatedTask(String id, String traceId, TaskScript script) {
        this.id = Objects.requireNonNull(id, "id");
        this.traceId = Objects.requireNonNull(traceId, "traceId");
        this.script = Objects.requireNonNull(script, "script");
        this.imageUrl = script.imageUrl() != null ? script.imageUrl() : CDN + randomName() + ".jpg";
        this.audioUrl = script.audioUrl() != null ? script.audioUrl() : CDN + randomName() + ".wav";
        this.videoUrl = script.outcome() == TaskScript.Outcome.DONE ? CDN + randomName() + ".mp4" : null;
        this.createdAt = Instant.now();
        this.createdNanos = System.nanoTime();
    }

    /** The task id: a hyphenated UUID, the key the bridge correlates on. */
    public String id() {
        return id;
    }

    public String traceId() {
        return traceId;
    }

    /** The video URL a DONE task answers with once finished; {@code null} for every other outcome. */
    public String videoUrl() {
        return videoUrl;
    }

    public String imageUrl() {
        return imageUrl;
    }

    public String audioUrl() {
        return audioUrl;
    }

    public TaskScript script() {
        return script;
    }

    public Phase phase() {
        return phaseAt(System.nanoTime());
    }

    public boolean isVisible() {
        return phase() != Phase.INVISIBLE;
    }

    public boolean isFinished() {
        return phase() == Phase.FINISHED;
    }

    /** Requests (retrieve or retrieve_batch) that named this task and reached an answer. */
    public int polls() {
        return polls.get();
    }

    /**
     * When the task finished (or will finish), wall clock: what a detection latency is measured from. Empty for a
     * task that never finishes, and for one that counts from its first poll and was never polled.
     */
    public Optional<Instant> finishedAt() {
        long finishNanos = finishNanos();
        if (finishNanos == Long.MIN_VALUE) {
            return Optional.empty();
        }
        return Optional.of(createdAt.plusNanos(finishNanos - createdNanos));
    }

    /** Counts one request naming the task at {@code nowNanos}: the first one starts a first-poll script's clock. */
    void polledAt(long nowNanos) {
        polls.incrementAndGet();
        // 0 means "never polled": a nanoTime of exactly 0 is nudged to 1.
        firstPolledNanos.compareAndSet(0, nowNanos == 0 ? 1 : nowNanos);
    }

    /** nanoTime at which the task finishes; Long.MIN_VALUE when unknown or never. */
    private long finishNanos() {
        if (script.finishAfter() == null || script.outcome() == TaskScript.Outcome.NEVER) {
            return Long.MIN_VALUE;
        }
        long start = createdNanos;
        if (script.countsFromFirstPoll()) {
            start = firstPolledNanos.get();
            if (start == 0) {
                return Long.MIN_VALUE;
            }
        }
        return start + script.finishAfter().toNanos();
    }

    Phase phaseAt(long nowNanos) {
        long age = nowNanos - createdNanos;
        long visible = script.visibleAfter().toNanos();
        if (age < visible) {
            return Phase.INVISIBLE;
        }
        if (script.finishAfter() == null) {
            return Phase.PENDING;
        }
        long clockStart = createdNanos;
        if (script.countsFromFirstPoll()) {
            clockStart = firstPolledNanos.get();
            if (clockStart == 0) {
                return Phase.PENDING; // nobody asked yet: its clock has not started
            }
            visible = 0;
            age = nowNanos - clockStart;
        }
        long finish = script.finishAfter().toNanos();
        if (age >= finish && script.outcome() != TaskScript.Outcome.NEVER) {
            return Phase.FINISHED;
        }
        // "pending" during the first half of the visible, unfinished span, then "processing".
        long processingFrom = visible + Math.max(0, finish - visible) / 2;
        return age < processingFrom ? Phase.PENDING : Phase.PROCESSING;
    }

    /**
     * {@link #detailAt} as JSON bytes, or {@code null} while not yet visible; a finished detail is serialized once
     * (it never changes), so that answering many finished tasks costs a copy, not a serialization.
     */
    byte[] detailBytesAt(long nowNanos, ObjectMapper json) {
        byte[] cached = finishedDetail;
        if (cached != null) {
            return cached;
        }
        Phase phase = phaseAt(nowNanos);
        ObjectNode detail = detailAt(nowNanos);
        if (detail == null) {
            return null;
        }
        try {
            byte[] bytes = json.writeValueAsBytes(detail);
            if (phase == Phase.FINISHED) {
                finishedDetail = bytes;
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a task detail", e);
        }
    }

    /** The task detail as the API answers it at {@code nowNanos}, or {@code null} while not yet visible. */
    ObjectNode detailAt(long nowNanos) {
        Phase phase = phaseAt(nowNanos);
        if (phase == Phase.INVISIBLE) {
            return null;
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode detail = json.objectNode();
        detail.put("id", id);
        detail.put("trace_id", traceId);
        // "request" is the body sent when creating the task (docs/tasks-api.md, "Task detail").
        ObjectNode request = detail.putObject("request");
        request.put("model", MODEL);
        request.put("image_url", imageUrl);
        request.put("audio_url", audioUrl);
        detail.set("response", responseAt(phase));
        detail.put("created_at", createdAt.toString());
        detail.put("started_at", createdAt.plus(script.visibleAfter()).toString());
        if (phase == Phase.FINISHED) {
            // finished_at and elapsed only once finished (docs/tasks-api.md, "Task detail").
            Instant finishedAt = finishedAt().orElseThrow();
            detail.put("finished_at", finishedAt.toString());
            detail.put("elapsed", Duration.between(createdAt, finishedAt).toMillis() / 1000.0);
        }
        return detail;
    }

    private ObjectNode responseAt(Phase phase) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        if (phase == Phase.FINISHED && script.outcome() == TaskScript.Outcome.RESPONSE_FAILED) {
            // The shape of the vendor's failure answer: {"success":false,"task_id","trace_id","error":{…}}
            // (docs/tasks-api.md, "Callbacks").
            response.put("success", false);
            response.put("task_id", id);
            response.put("trace_id", traceId);
            ObjectNode error = response.putObject("error");
            error.put("code", script.errorCode());
            error.put("message", script.errorMessage());
            return response;
        }
        // A failure status still comes with success=true: the status is the signal the vendor's CLI/SDK read.
        response.put("success", true);
        ObjectNode data = response.putObject("data");
        // data.task_id is the id without hyphens: clients must correlate on the top-level id (docs/tasks-api.md).
        data.put("task_id", id.replace("-", ""));
        data.put("status", statusAt(phase));
        if (phase == Phase.FINISHED && videoUrl != null) {
            data.put("video_url", videoUrl);
        }
        // data echoes the inputs, so "some *_url is present" is not success (docs/tasks-api.md).
        data.put("image_url", imageUrl);
        data.put("audio_url", audioUrl);
        return response;
    }

    private String statusAt(Phase phase) {
        switch (phase) {
            case PENDING:
                return "pending";
            case PROCESSING:
                return "processing";
            case FINISHED:
                return script.outcome() == TaskScript.Outcome.FAILED ? script.failureStatus() : "done";
            default:
                throw new IllegalStateException("no status while " + phase);
        }
    }

    private static String randomName() {
        // Like the vendor's "634d760216.mp4": ten hex characters.
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }
}
