package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskAnswerClassifier;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import cloud.acedata.dreamina.bridge.task.TaskVerdict;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Polls a batch of due tasks once and says what becomes of each: published, dead-lettered, or polled again.
 * <ul>
 *   <li>tasks known by id are retrieved together with {@code retrieve_batch}; a task known only by its trace id
 *       with a single {@code retrieve} by {@code trace_id};</li>
 *   <li>an error answer to a batch names no task, so the batch's ids are then retrieved one by one and only the
 *       task whose own request is refused (400, 404) is dead-lettered, with the API's code;</li>
 *   <li>401/403, 429, 5xx, I/O errors and non-JSON answers are no task's fault: {@link ApiUnavailableException}
 *       leaves every task of the batch where it is (see {@link ApiGate});</li>
 *   <li>every request waits for the client-side rate limit.</li>
 * </ul>
 */
public final class TaskPoller {

    private final TasksApi api;
    private final ApiRateLimiter rateLimiter;
    private final ApiGate gate;
    private final TaskAnswerClassifier classifier;
    private final ObjectMapper mapper;
    private final Duration interval;
    private final Clock clock;

    public TaskPoller(TasksApi api, ApiRateLimiter rateLimiter, ApiGate gate, TaskAnswerClassifier classifier,
                      ObjectMapper apiMapper, Duration interval, Clock clock) {
        this.api = api;
        this.rateLimiter = rateLimiter;
        this.gate = gate;
        this.classifier = classifier;
        this.mapper = apiMapper;
        this.interval = interval;
        this.clock = clock;
    }

    /** Polls the tasks once; the outcomes are in the order of the tasks. */
    public List<TaskOutcome> poll(List<PendingTask> tasks) {
        List<PendingTask> byId = new ArrayList<>();
        List<TaskOutcome> outcomes = new ArrayList<>(tasks.size());
        for (PendingTask task : tasks) {
            if (task.taskId() != null) {
                byId.add(task);
            }
        }
        Map<String, RawDetail> batch = byId.isEmpty() ? Map.of() : retrieveBatch(byId);
        for (PendingTask task : tasks) {
            if (task.taskId() == null) {
                outcomes.add(retrieveOne(task, "trace_id", task.traceId()));
            } else if (batch == null) {
                outcomes.add(retrieveOne(task, "id", task.taskId()));
            } else {
                outcomes.add(decide(task, batch.get(task.taskId())));
            }
        }
        return outcomes;
    }

    /** @return the batch's details by id, or null when the batch was refused and its ids must be isolated */
    private Map<String, RawDetail> retrieveBatch(List<PendingTask> tasks) {
        ObjectNode body = mapper.createObjectNode().put("action", "retrieve_batch");
        ArrayNode ids = body.putArray("ids");
        tasks.forEach(task -> ids.add(task.taskId()));
        ApiAnswer answer = call(body);
        if (isRefusal(answer.status())) {
            gate.succeeded();
            return tasks.size() == 1 ? Map.of(tasks.get(0).taskId(), RawDetail.refused(answer, mapper)) : null;
        }
        try {
            Map<String, RawDetail> details = BatchAnswer.detailsById(answer.body(), mapper);
            gate.succeeded();
            return details;
        } catch (IOException e) {
            throw unavailable("retrieve_batch answered 200 with a body that is not the documented JSON: "
                    + e.getMessage(), Optional.empty());
        }
    }

    private TaskOutcome retrieveOne(PendingTask task, String field, String value) {
        ObjectNode body = mapper.createObjectNode().put("action", "retrieve").put(field, value);
        ApiAnswer answer = call(body);
        if (isRefusal(answer.status())) {
            gate.succeeded();
            return decide(task, RawDetail.refused(answer, mapper));
        }
        try {
            JsonNode detail = mapper.readTree(answer.body());
            if (detail == null || !detail.isObject()) {
                throw unavailable("retrieve answered 200 with a body that is not a JSON object",
                        Optional.empty());
            }
            gate.succeeded();
            return decide(task, new RawDetail(detail, answer.body(), null));
        } catch (JacksonException e) {
            throw unavailable("retrieve answered 200 with a body that is not JSON: " + e.getOriginalMessage(),
                    Optional.empty());
        } catch (IOException e) {
            throw unavailable("retrieve answer unreadable: " + e.getMessage(), Optional.empty());
        }
    }

    private TaskOutcome decide(PendingTask task, RawDetail detail) {
        if (detail != null && detail.refusal() != null) {
            ApiError error = detail.refusal();
            return TaskOutcome.deadLetter(task, error.code(), error.message(), error.status());
        }
        TaskVerdict verdict = classifier.classify(detail == null ? null : detail.node());
        String taskId = detail == null ? task.taskId() : text(detail.node(), "id", task.taskId());
        String traceId = detail == null ? task.traceId() : text(detail.node(), "trace_id", task.traceId());
        long now = clock.millis();
        switch (verdict.state()) {
            case DONE:
                return TaskOutcome.done(task, taskId, traceId, detail.raw(), verdict.videoUrl());
            case FAILED:
                return TaskOutcome.deadLetter(task, BridgeHeaders.CODE_TASK_FAILED, verdict.reason(), null);
            default:
                if (now >= task.deadlineMillis()) {
                    String last = verdict.status() == null ? "no result yet" : "last status " + verdict.status();
                    return TaskOutcome.deadLetter(task, BridgeHeaders.CODE_POLL_TIMEOUT,
                            "Task not finished within dreamina.poll.max-wait after " + (task.polls() + 1)
                                    + " polls (" + last + ")", null);
                }
                long due = Math.min(now + interval.toMillis(), task.deadlineMillis());
                return TaskOutcome.pollAgain(task, detail == null ? null : taskId, due);
        }
    }

    private ApiAnswer call(ObjectNode body) {
        if (!gate.isOpen()) {
            throw new ApiUnavailableException("waiting for the API to be available again", gate.openAt());
        }
        ApiAnswer answer;
        try {
            rateLimiter.acquire();
            answer = api.post(mapper.writeValueAsBytes(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiUnavailableException("interrupted while waiting for the rate limit", clock.instant());
        } catch (IOException e) {
            throw unavailable("I/O error: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    Optional.empty());
        }
        int status = answer.status();
        if (status == 401 || status == 403 || isMissingToken(answer)) {
            ApiError error = ApiError.of(answer, mapper);
            throw new ApiUnavailableException("HTTP " + status + " " + error.code(),
                    gate.credentialRejected("HTTP " + status + " " + error.code() + ": " + error.message()));
        }
        if (status == 429 || status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            ApiError error = ApiError.of(answer, mapper);
            throw unavailable("HTTP " + status + " " + error.code(), RetryAfter.parse(answer.retryAfter(), clock));
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

    private ApiUnavailableException unavailable(String reason, Optional<Duration> retryAfter) {
        return new ApiUnavailableException(reason, gate.transientFailure(reason, retryAfter));
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : fallback;
    }

    /** A task's detail as the API sent it ({@code raw}), or the API's refusal of the request for it. */
    record RawDetail(JsonNode node, byte[] raw, ApiError refusal) {
        static RawDetail refused(ApiAnswer answer, ObjectMapper mapper) {
            return new RawDetail(null, null, ApiError.of(answer, mapper));
        }
    }
}
