package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.ClockSkew;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskAnswerClassifier;
import cloud.acedata.dreamina.bridge.task.TaskDetail;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import cloud.acedata.dreamina.bridge.task.TaskVerdict;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polls a batch of due tasks once and says what becomes of each: published, dead-lettered, or polled again.
 * <ul>
 *   <li>tasks known by id are retrieved together with {@code retrieve_batch}; a task known only by its trace id
 *       with a single {@code retrieve} by {@code trace_id};</li>
 *   <li>an error answer to a batch names no task, so the batch's ids are then retrieved one by one; a task whose
 *       own request is refused (400 and other 4xx) is dead-lettered with the API's code — when the API answers
 *       other requests ({@link ApiGate#taskRefused}); the same refusal for everything is a refusing endpoint;</li>
 *   <li>401/403, 404 {@code no_api}, 429 and outages are no task's fault: {@link ApiUnavailableException} leaves
 *       every task of the batch where it is (see {@link ApiGate});</li>
 *   <li>a {@code 200} is an answer only in the contract's shape ({@code retrieve_batch}: an {@code items} array;
 *       {@code retrieve}: {@code {}} or a task detail with its {@code id} or {@code trace_id}); any other 200 is a
 *       failed request, and the same for every request opens the circuit ({@link ApiGate#answerNotOfTheApi});</li>
 *   <li>a 5xx, I/O error or unreadable answer while the API answers other requests throws
 *       {@link RequestFailedException}: the scheduler isolates the batch's tasks. A task polled alone whose request
 *       fails so after its deadline is dead-lettered with that error;</li>
 *   <li>deadlines are judged with the tolerance of {@link ClockSkew} (another instance's clock wrote them);</li>
 *   <li>every request waits for the client-side rate limit.</li>
 * </ul>
 */
public final class TaskPoller {

    /** The bridge's code for a request that got no answer within the read timeout. */
    static final String CODE_TIMEOUT = "timeout";
    /** The id of no task: the probe that tells one task's failing requests from an outage. */
    static final String PROBE_ID = "00000000-0000-4000-8000-000000000000";

    private final TasksApi api;
    private final ApiRateLimiter rateLimiter;
    private final ApiGate gate;
    private final TaskAnswerClassifier classifier;
    private final ObjectMapper mapper;
    private final ClockSkew skew;
    private final Clock clock;

    public TaskPoller(TasksApi api, ApiRateLimiter rateLimiter, ApiGate gate, TaskAnswerClassifier classifier,
                      ObjectMapper apiMapper, Duration interval, Clock clock) {
        this.api = api;
        this.rateLimiter = rateLimiter;
        this.gate = gate;
        this.classifier = classifier;
        this.mapper = apiMapper;
        this.skew = new ClockSkew(interval, Duration.ZERO);
        this.clock = clock;
    }

    /**
     * Polls the tasks once; the outcomes are in the order of the tasks. A task polled alone whose own request fails
     * after its deadline is dead-lettered with that error (the scheduler polls a task alone once its requests failed
     * while others succeeded).
     */
    public List<TaskOutcome> poll(List<PendingTask> tasks) {
        try {
            return pollOnce(tasks);
        } catch (RequestFailedException e) {
            if (tasks.size() != 1 || !skew.isPastDeadline(tasks.get(0), clock.millis())) {
                throw e;
            }
            PendingTask task = tasks.get(0);
            return List.of(TaskOutcome.deadLetter(task, e.code(), "Task not answered within dreamina.poll.max-wait "
                    + "after " + (task.polls() + 1) + " polls; its own requests fail: " + e.getMessage(),
                    e.httpStatus()));
        }
    }

    private List<TaskOutcome> pollOnce(List<PendingTask> tasks) {
        List<PendingTask> byId = new ArrayList<>();
        for (PendingTask task : tasks) {
            if (task.taskId() != null) {
                byId.add(task);
            }
        }
        Map<String, RawDetail> batch = byId.isEmpty() ? Map.of() : retrieveBatch(byId);
        List<RawDetail> details = new ArrayList<>(tasks.size());
        for (PendingTask task : tasks) {
            if (task.taskId() == null) {
                details.add(retrieveOne("trace_id", task.traceId()));
            } else if (batch == null) {
                details.add(retrieveOne("id", task.taskId()));
            } else {
                details.add(batch.get(task.taskId()));
            }
        }
        // Each refusal is judged by the successes before it (RawDetail.successBefore), once every request is in.
        String held = null;
        for (RawDetail detail : details) {
            if (detail != null && detail.refusal() != null && !isTaskAtFault(detail)) {
                held = "HTTP " + detail.refusal().status() + " " + detail.refusal().code();
            }
        }
        if (held != null) {
            throw new ApiUnavailableException(held, gate.holdRefused(held));
        }
        List<TaskOutcome> outcomes = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            outcomes.add(decide(tasks.get(i), details.get(i)));
        }
        return outcomes;
    }

    private boolean isTaskAtFault(RawDetail refused) {
        return gate.isTaskAtFault(refused.refusal().status(), refused.refusal().code(), refused.successBefore(),
                refused.sentAt());
    }

    /** @return the batch's details by id, or null when the batch was refused and its ids must be isolated */
    private Map<String, RawDetail> retrieveBatch(List<PendingTask> tasks) {
        ObjectNode body = mapper.createObjectNode().put("action", "retrieve_batch");
        ArrayNode ids = body.putArray("ids");
        tasks.forEach(task -> ids.add(task.taskId()));
        Instant sentAt = awaitTurn();
        ApiAnswer answer = call(body, sentAt);
        if (isRefusal(answer.status())) {
            return tasks.size() == 1
                    ? Map.of(tasks.get(0).taskId(), RawDetail.refused(answer, mapper, gate.lastSuccessAt(), sentAt))
                    : null;
        }
        try {
            Map<String, RawDetail> details = BatchAnswer.detailsById(answer.body(), mapper);
            gate.succeeded(sentAt);
            return details;
        } catch (IOException e) {
            throw notTheApi("retrieve_batch answered 200 with a body that is not the documented JSON: "
                    + e.getMessage(), sentAt);
        }
    }

    private RawDetail retrieveOne(String field, String value) {
        ObjectNode body = mapper.createObjectNode().put("action", "retrieve").put(field, value);
        Instant sentAt = awaitTurn();
        ApiAnswer answer = call(body, sentAt);
        if (isRefusal(answer.status())) {
            return RawDetail.refused(answer, mapper, gate.lastSuccessAt(), sentAt);
        }
        TaskDetail detail;
        try {
            detail = retrieveAnswer(answer.body());
        } catch (JacksonException e) {
            throw notTheApi("retrieve answered 200 with a body that is not JSON: " + e.getOriginalMessage(), sentAt);
        } catch (IOException e) {
            throw notTheApi("retrieve answer unreadable: " + e.getMessage(), sentAt);
        }
        if (detail == null) {
            throw notTheApi("retrieve answered 200 with a body that is neither {} nor a task detail", sentAt);
        }
        gate.succeeded(sentAt);
        return new RawDetail(detail, answer.body(), null);
    }

    private TaskOutcome decide(PendingTask task, RawDetail detail) {
        if (detail != null && detail.refusal() != null) {
            ApiError error = detail.refusal();
            return TaskOutcome.deadLetter(task, error.code(), error.message(), error.status());
        }
        TaskDetail fields = detail == null ? null : detail.fields();
        TaskVerdict verdict = classifier.classify(fields);
        String taskId = fields == null ? task.taskId() : nonEmpty(fields.id(), task.taskId());
        String traceId = fields == null ? task.traceId() : nonEmpty(fields.traceId(), task.traceId());
        long now = clock.millis();
        switch (verdict.state()) {
            case DONE:
                return TaskOutcome.done(task, taskId, traceId, detail.raw(), verdict.videoUrl());
            case FAILED:
                return TaskOutcome.deadLetter(task, BridgeHeaders.CODE_TASK_FAILED, verdict.reason(), null);
            default:
                if (skew.isPastDeadline(task, now)) {
                    String last = verdict.status() == null ? "no result yet" : "last status " + verdict.status();
                    return TaskOutcome.deadLetter(task, BridgeHeaders.CODE_POLL_TIMEOUT,
                            "Task not finished within dreamina.poll.max-wait after " + (task.polls() + 1)
                                    + " polls (" + last + ")", null);
                }
                return TaskOutcome.pollAgain(task, detail == null ? null : taskId, skew.nextDueMillis(task, now));
        }
    }

    /**
     * Waits until a request may go out: the gate open, then the rate limit, then the gate open still. The wait for
     * the rate limit can be a whole refill period (17 ms at 60 requests/s); a 429 or an outage another request met
     * meanwhile closed the gate, and this request must not go out behind it.
     *
     * @return when the request is sent (the gate judges its answer by that: a success counts from when it was sent)
     */
    private Instant awaitTurn() {
        requireOpenGate();
        try {
            rateLimiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnavailableException("interrupted while waiting for the rate limit", clock.instant());
        }
        requireOpenGate();
        return clock.instant();
    }

    private void requireOpenGate() {
        if (!gate.isOpen()) {
            throw new ApiUnavailableException("waiting for the API to be available again", gate.openAt());
        }
    }

    /** Sends a request whose turn came at {@code sentAt} ({@link #awaitTurn}). */
    private ApiAnswer call(ObjectNode body, Instant sentAt) {
        ApiAnswer answer;
        try {
            answer = api.post(mapper.writeValueAsBytes(body));
        } catch (SocketTimeoutException e) {
            throw failed(CODE_TIMEOUT, "no answer within dreamina.api.read-timeout", null, Optional.empty(), sentAt);
        } catch (IOException e) {
            throw failed("io_error", "I/O error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null,
                    Optional.empty(), sentAt);
        }
        int status = answer.status();
        if (status == 401 || status == 403 || isMissingToken(answer)) {
            ApiError error = ApiError.of(answer, mapper);
            throw new ApiUnavailableException("HTTP " + status + " " + error.code(),
                    gate.credentialRejected("HTTP " + status + " " + error.code() + ": " + error.message()));
        }
        if (status == 404 && "no_api".equals(ApiError.of(answer, mapper).code())) {
            throw new ApiUnavailableException("HTTP 404 no_api", gate.endpointRefused("HTTP 404 no_api"));
        }
        if (status == 429) {
            ApiError error = ApiError.of(answer, mapper);
            throw new ApiUnavailableException("HTTP 429 " + error.code(), gate.transientFailure(
                    "HTTP 429 " + error.code(), RetryAfter.parse(answer.retryAfter(), clock)));
        }
        if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            ApiError error = ApiError.of(answer, mapper);
            throw failed(error.code(), "HTTP " + status + " " + error.code() + ": " + error.message(), status,
                    RetryAfter.parse(answer.retryAfter(), clock), sentAt);
        }
        return answer;
    }

    /** 400 {@code no_token}: the request carried no credential, which is a configuration fault, not the task's. */
    private boolean isMissingToken(ApiAnswer answer) {
        return answer.status() == 400 && "no_token".equals(ApiError.of(answer, mapper).code());
    }

    /** 4xx other than 401, 403 and 429: this request is wrong and retrying it will not help. */
    private static boolean isRefusal(int status) {
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 429;
    }

    /**
     * A 200 whose body is not of the contract's shape: a failed request ({@link #failed}), unless the same came for
     * so many requests in a row that the gate opened the circuit (another service behind the base URL).
     */
    private RuntimeException notTheApi(String reason, Instant sentAt) {
        if (gate.answerNotOfTheApi(reason, sentAt)) {
            return new ApiUnavailableException(reason, gate.openAt());
        }
        return failed(null, reason, 200, Optional.empty(), sentAt);
    }

    /**
     * {@code retrieve}'s contract: {@code {}}, or a task detail naming its {@code id} or {@code trace_id}.
     *
     * @return the detail, or null when the body is JSON of another shape (or empty)
     * @throws IOException the body is not JSON
     */
    private TaskDetail retrieveAnswer(byte[] body) throws IOException {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            TaskDetail detail = TaskDetail.read(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the JSON object");
            }
            return detail.empty() || detail.id() != null || detail.traceId() != null ? detail : null;
        }
    }

    /**
     * A request failed. Isolated while the API answers other requests ({@link RequestFailedException}); when no
     * other request succeeded since, a probe tells the request's own fault from an outage: a {@code retrieve} of an
     * id no task has, which a working API answers {@code {}}. Otherwise an outage ({@link ApiUnavailableException},
     * the gate closed). So the last task standing whose requests fail is still told from an outage.
     */
    private RuntimeException failed(String code, String reason, Integer status, Optional<Duration> retryAfter,
                                    Instant sentAt) {
        if (gate.isIsolatedFailure(sentAt) || apiAnswersProbe()) {
            return new RequestFailedException(code != null ? code : "http_" + status, reason, status);
        }
        return new ApiUnavailableException(reason, gate.transientFailure(reason, retryAfter));
    }

    /** @return whether the API answers a request for no task normally (in the contract's shape) */
    private boolean apiAnswersProbe() {
        try {
            rateLimiter.acquire();
            Instant sentAt = clock.instant();
            ApiAnswer answer = api.post(mapper.writeValueAsBytes(mapper.createObjectNode()
                    .put("action", "retrieve").put("id", PROBE_ID)));
            if (answer.status() != 200) {
                return false;
            }
            if (retrieveAnswer(answer.body()) != null) {
                gate.succeeded(sentAt);
                return true;
            }
            gate.answerNotOfTheApi("the probe answered 200 with a body that is neither {} nor a task detail", sentAt);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static String nonEmpty(String value, String fallback) {
        return value != null && !value.isEmpty() ? value : fallback;
    }

    /**
     * A task's detail as the API sent it ({@code raw}) with the fields the bridge reads from it, or the API's refusal
     * of the request for it, with the last success the gate had seen when that refusal arrived (a success after it
     * proves nothing about it) and when the refused request was sent.
     */
    record RawDetail(TaskDetail fields, byte[] raw, ApiError refusal, Instant successBefore, Instant sentAt) {
        RawDetail(TaskDetail fields, byte[] raw, ApiError refusal) {
            this(fields, raw, refusal, null, null);
        }

        static RawDetail refused(ApiAnswer answer, ObjectMapper mapper, Instant successBefore, Instant sentAt) {
            return new RawDetail(null, null, ApiError.of(answer, mapper), successBefore, sentAt);
        }
    }
}
