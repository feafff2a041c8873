package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.support.TestClock;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskAnswerClassifier;
import cloud.acedata.dreamina.bridge.task.TaskOutcome.Destination;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import cloud.acedata.dreamina.bridge.util.JsonLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskPollerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(60);
    private static final Duration CREDENTIAL_RECHECK = Duration.ofSeconds(30);

    private static final String ID_A = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";
    private static final String ID_B = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    private static final String ID_C = "9e8d7c6b-5a49-4837-a625-140f1e2d3c4b";
    private static final String VIDEO = "https://cdn.acedata.cloud/v/a.mp4";

    /** A clock the test moves by hand. */

    /** Answers requests from a script (an {@link ApiAnswer} or an {@link IOException} each) and records them. */
    private static final class FakeApi implements TasksApi {
        private final Deque<Object> script = new ArrayDeque<>();
        private final List<JsonNode> requests = new ArrayList<>();

        FakeApi answer(int status, String body) {
            return answer(status, body, null);
        }

        FakeApi answer(int status, String body, String retryAfter) {
            script.add(new ApiAnswer(status, body.getBytes(StandardCharsets.UTF_8), retryAfter));
            return this;
        }

        FakeApi fail(IOException e) {
            script.add(e);
            return this;
        }

        /** How the API answers the probe (a retrieve of no task's id): by default it fails too, an outage. */
        ApiAnswer probeAnswer;
        int probes;

        @Override
        public ApiAnswer post(byte[] requestJson) throws IOException {
            JsonNode request = JSON.readTree(requestJson);
            if (TaskPoller.PROBE_ID.equals(request.path("id").asText())) {
                probes++;
                if (probeAnswer == null) {
                    throw new java.net.ConnectException("Connection refused");
                }
                return probeAnswer;
            }
            requests.add(request);
            Object next = script.poll();
            if (next == null) {
                throw new AssertionError("unexpected request: " + new String(requestJson, StandardCharsets.UTF_8));
            }
            if (next instanceof IOException e) {
                throw e;
            }
            return (ApiAnswer) next;
        }
    }


    private TestClock clock;
    private FakeApi api;
    private ApiGate gate;
    private RecordingListener listener;
    private TaskPoller poller;

    @BeforeEach
    void setUp() {
        clock = new TestClock(START);
        api = new FakeApi();
        gate = new ApiGate(clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16), Duration.ZERO,
                new SplittableRandom(1)), RETRY_AFTER_CAP, CREDENTIAL_RECHECK);
        listener = new RecordingListener();
        gate.setCredentialListener(listener);
        poller = new TaskPoller(api, new ApiRateLimiter(1000), gate, new TaskAnswerClassifier(),
                JsonLimits.apiMapper(), INTERVAL, clock);
        // The gate starts clean, as after a start: no success and no failure on record. Tests of isolation and of
        // refused tasks start from a success (apiAnswersOtherRequests).
    }

    /** The API has just answered another request normally (sent and answered now). */
    private void apiAnswersOtherRequests() {
        gate.succeeded();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    private static PendingTask task(String taskId, String traceId, int polls, Instant deadline) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("x-app", bytes("shop-7"));
        headers.put(BridgeHeaders.ORIGIN_TOPIC, bytes("dreamina.tasks"));
        headers.put(BridgeHeaders.ORIGIN_PARTITION, bytes("2"));
        headers.put(BridgeHeaders.ORIGIN_OFFSET, bytes("41"));
        if (taskId != null) {
            headers.put(BridgeHeaders.TASK_ID, bytes(taskId));
        }
        if (traceId != null) {
            headers.put(BridgeHeaders.TRACE_ID, bytes(traceId));
        }
        headers.put(BridgeHeaders.PENDING_DUE, bytes(String.valueOf(millis(START))));
        headers.put(BridgeHeaders.PENDING_DEADLINE, bytes(String.valueOf(millis(deadline))));
        headers.put(BridgeHeaders.PENDING_POLLS, bytes(String.valueOf(polls)));
        String key = taskId != null ? taskId : traceId;
        String value = taskId != null ? taskId : "{\"trace_id\":\"" + traceId + "\"}";
        return new PendingTask(bytes(key), bytes(value), headers);
    }

    private static PendingTask task(String taskId) {
        return task(taskId, null, 0, START.plus(Duration.ofMinutes(15)));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The next poll's input: the pending outcome as the scheduler would read it back from the pending topic. */
    private static PendingTask readBack(TaskOutcome outcome) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        outcome.headers().forEach((name, value) ->
                headers.put(name, value instanceof byte[] raw ? raw : bytes(value.toString())));
        return new PendingTask(outcome.key(), outcome.value(), headers);
    }

    private static String detail(String id, String traceId, String status, String videoUrl) {
        return "{\"id\":\"" + id + "\",\"trace_id\":\"" + traceId + "\",\"response\":{\"success\":true,\"data\":{"
                + "\"task_id\":\"" + id.replace("-", "") + "\",\"status\":\"" + status + "\""
                + (videoUrl != null ? ",\"video_url\":\"" + videoUrl + "\"" : "") + "}}}";
    }

    private static String batch(String... items) {
        return "{\"items\":[" + String.join(",", items) + "],\"count\":" + items.length + "}";
    }

    private static String error(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"},\"trace_id\":\"err-trace\"}";
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static void assertNoPendingHeaders(TaskOutcome outcome) {
        for (String name : BridgeHeaders.INTERNAL) {
            assertFalse(outcome.headers().containsKey(name), name + " on " + outcome.destination());
        }
    }

    // ------------------------------------------------------------------------------------------------ batches

    @Test
    void tasksKnownByIdAreRetrievedInOneBatchRequest() throws IOException {
        api.answer(200, batch());

        List<TaskOutcome> outcomes = poller.poll(List.of(task(ID_A), task(ID_B), task(ID_C)));

        assertEquals(List.of(json("{\"action\":\"retrieve_batch\",\"ids\":[\"" + ID_A + "\",\"" + ID_B + "\",\""
                + ID_C + "\"]}")), api.requests);
        assertEquals(3, outcomes.size());
        assertEquals(List.of(ID_A, ID_B, ID_C), outcomes.stream().map(o -> text(o.key())).toList());
        outcomes.forEach(outcome -> assertEquals(Destination.PENDING, outcome.destination()));
    }

    @Test
    void doneItemIsPublishedWithItsExactBytes() {
        String item = "{ \"id\" :  \"" + ID_A + "\",\n  \"trace_id\":\"tr-a\" ,\"response\" : {\"success\" : true,"
                + " \"data\":{ \"task_id\":\"" + ID_A.replace("-", "") + "\", \"status\" :\"done\","
                + "\"video_url\":  \"" + VIDEO + "\" , \"image_url\":\"https://in/i.png\"}} ,\"elapsed\": 12.50 }";
        api.answer(200, "{ \"items\" : [ " + detail(ID_B, "tr-b", "processing", null) + " ,  " + item
                + "\n ] , \"count\" : 2 }");

        List<TaskOutcome> outcomes = poller.poll(List.of(task(ID_A), task(ID_B)));

        TaskOutcome done = outcomes.get(0);
        assertEquals(Destination.OUTPUT, done.destination());
        assertEquals(ID_A, text(done.key()));
        assertArrayEquals(bytes(item), done.value());
        assertEquals(ID_A, done.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-a", done.header(BridgeHeaders.TRACE_ID));
        assertEquals(VIDEO, done.header(BridgeHeaders.VIDEO_URL));
        assertEquals("done", done.header(BridgeHeaders.STATUS));
        assertEquals("shop-7", done.header("x-app"));
        assertNoPendingHeaders(done);
        assertNull(done.header(BridgeHeaders.ORIGIN_TOPIC));
        assertNull(done.header(BridgeHeaders.ERROR_CODE));

        assertEquals(Destination.PENDING, outcomes.get(1).destination());
        assertEquals(1, api.requests.size());
    }

    @Test
    void absentItemIsPolledAgainAfterTheInterval() {
        PendingTask absent = task(ID_A, null, 2, START.plus(Duration.ofMinutes(15)));
        clock.advance(Duration.ofSeconds(20));
        api.answer(200, batch(detail(ID_B, "tr-b", "pending", null)));

        List<TaskOutcome> outcomes = poller.poll(List.of(absent, task(ID_B)));

        TaskOutcome again = outcomes.get(0);
        assertEquals(Destination.PENDING, again.destination());
        assertEquals(ID_A, text(again.key()));
        assertArrayEquals(absent.value(), again.value());
        assertEquals(String.valueOf(millis(START) + 20_000 + 5_000), again.header(BridgeHeaders.PENDING_DUE));
        assertEquals("3", again.header(BridgeHeaders.PENDING_POLLS));
        assertEquals(String.valueOf(millis(START.plus(Duration.ofMinutes(15)))),
                again.header(BridgeHeaders.PENDING_DEADLINE));
        assertEquals(ID_A, again.header(BridgeHeaders.TASK_ID));
        assertEquals("dreamina.tasks", again.header(BridgeHeaders.ORIGIN_TOPIC));

        assertEquals("1", outcomes.get(1).header(BridgeHeaders.PENDING_POLLS));
    }

    @Test
    void emptyObjectAnswerIsPolledAgain() throws IOException {
        api.answer(200, "{}");

        TaskOutcome outcome = poller.poll(List.of(task(null, "tr-only", 0, START.plus(Duration.ofMinutes(15)))))
                .get(0);

        assertEquals(List.of(json("{\"action\":\"retrieve\",\"trace_id\":\"tr-only\"}")), api.requests);
        assertEquals(Destination.PENDING, outcome.destination());
        assertEquals(String.valueOf(millis(START.plus(INTERVAL))), outcome.header(BridgeHeaders.PENDING_DUE));
        assertEquals("1", outcome.header(BridgeHeaders.PENDING_POLLS));
        assertNull(outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-only", outcome.header(BridgeHeaders.TRACE_ID));
    }

    @Test
    void emptyBatchAnswerLeavesEveryTaskPending() {
        api.answer(200, batch());

        List<TaskOutcome> outcomes = poller.poll(List.of(task(ID_A), task(ID_B)));

        assertEquals(List.of(Destination.PENDING, Destination.PENDING),
                outcomes.stream().map(TaskOutcome::destination).toList());
    }

    @Test
    void nextDueNeverPassesTheDeadlineAndItsTolerance() {
        // Past the deadline by less than the tolerance (one interval): polled once more, at the tolerance's end.
        Instant deadline = START.minus(Duration.ofSeconds(3));
        api.answer(200, batch());

        TaskOutcome outcome = poller.poll(List.of(task(ID_A, null, 4, deadline))).get(0);

        assertEquals(Destination.PENDING, outcome.destination());
        assertEquals(String.valueOf(millis(deadline.plus(INTERVAL))), outcome.header(BridgeHeaders.PENDING_DUE));
    }

    @Test
    void unfinishedTaskPastItsDeadlineIsDeadLetteredAsPollTimeout() {
        PendingTask late = task(ID_A, "tr-a", 9, START.plus(Duration.ofMinutes(15)));
        clock.set(START.plus(Duration.ofMinutes(15)).plus(INTERVAL));
        api.answer(200, batch(detail(ID_A, "tr-a", "processing", null)));

        TaskOutcome outcome = poller.poll(List.of(late)).get(0);

        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals(BridgeHeaders.CODE_POLL_TIMEOUT, outcome.header(BridgeHeaders.ERROR_CODE));
        assertTrue(outcome.header(BridgeHeaders.ERROR_MESSAGE).contains("10 polls"),
                outcome.header(BridgeHeaders.ERROR_MESSAGE));
        assertTrue(outcome.header(BridgeHeaders.ERROR_MESSAGE).contains("processing"),
                outcome.header(BridgeHeaders.ERROR_MESSAGE));
        assertNull(outcome.header(BridgeHeaders.HTTP_STATUS));
        assertEquals(ID_A, text(outcome.key()));
        assertArrayEquals(late.value(), outcome.value());
        assertEquals("dreamina.tasks", outcome.header(BridgeHeaders.ORIGIN_TOPIC));
        assertNoPendingHeaders(outcome);
    }

    @Test
    void doneTaskPastItsDeadlineIsStillPublished() {
        clock.set(START.plus(Duration.ofHours(1)));
        api.answer(200, batch(detail(ID_A, "tr-a", "done", VIDEO)));

        assertEquals(Destination.OUTPUT, poller.poll(List.of(task(ID_A))).get(0).destination());
    }

    @Test
    void failedStatusIsDeadLetteredAsTaskFailed() {
        PendingTask pending = task(ID_A, "tr-a", 1, START.plus(Duration.ofMinutes(15)));
        api.answer(200, batch(detail(ID_A, "tr-a", "failed", null)));

        TaskOutcome outcome = poller.poll(List.of(pending)).get(0);

        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals(BridgeHeaders.CODE_TASK_FAILED, outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals("status failed", outcome.header(BridgeHeaders.ERROR_MESSAGE));
        assertNull(outcome.header(BridgeHeaders.HTTP_STATUS));
        assertEquals(ID_A, text(outcome.key()));
        assertArrayEquals(pending.value(), outcome.value());
        assertEquals(ID_A, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-a", outcome.header(BridgeHeaders.TRACE_ID));
        assertNoPendingHeaders(outcome);
    }

    // ------------------------------------------------------------------------------------------------ trace ids

    @Test
    void traceOnlyTaskIsRetrievedByTraceIdAndItsLearnedIdIsKept() throws IOException {
        api.answer(200, detail(ID_A, "tr-only", "pending", null));

        TaskOutcome first = poller.poll(List.of(task(null, "tr-only", 0, START.plus(Duration.ofMinutes(15)))))
                .get(0);

        assertEquals(List.of(json("{\"action\":\"retrieve\",\"trace_id\":\"tr-only\"}")), api.requests);
        assertEquals(Destination.PENDING, first.destination());
        assertEquals(ID_A, first.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-only", first.header(BridgeHeaders.TRACE_ID));
        assertEquals("tr-only", text(first.key()));

        // The next poll, from the record the pending topic holds, asks by id.
        clock.advance(INTERVAL);
        api.answer(200, batch(detail(ID_A, "tr-only", "processing", null)));
        TaskOutcome second = poller.poll(List.of(readBack(first))).get(0);

        assertEquals(json("{\"action\":\"retrieve_batch\",\"ids\":[\"" + ID_A + "\"]}"), api.requests.get(1));
        assertEquals(Destination.PENDING, second.destination());
        assertEquals(ID_A, second.header(BridgeHeaders.TASK_ID));
        assertEquals("2", second.header(BridgeHeaders.PENDING_POLLS));
    }

    @Test
    void doneTraceOnlyTaskIsPublishedUnderItsTaskId() {
        String body = detail(ID_A, "tr-only", "done", VIDEO);
        api.answer(200, body);

        TaskOutcome outcome = poller.poll(List.of(task(null, "tr-only", 3, START.plus(Duration.ofMinutes(15)))))
                .get(0);

        assertEquals(Destination.OUTPUT, outcome.destination());
        assertEquals(ID_A, text(outcome.key()));
        assertArrayEquals(bytes(body), outcome.value());
        assertEquals(ID_A, outcome.header(BridgeHeaders.TASK_ID));
        assertEquals("tr-only", outcome.header(BridgeHeaders.TRACE_ID));
        assertNoPendingHeaders(outcome);
    }

    @Test
    void idsAndTraceIdsInOneBatchMakeOneBatchRequestAndOneRetrievePerTraceId() throws IOException {
        api.answer(200, batch(detail(ID_A, "tr-a", "done", VIDEO)));
        api.answer(200, "{}");

        List<TaskOutcome> outcomes = poller.poll(List.of(
                task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))), task(ID_A)));

        assertEquals(List.of(json("{\"action\":\"retrieve_batch\",\"ids\":[\"" + ID_A + "\"]}"),
                json("{\"action\":\"retrieve\",\"trace_id\":\"tr-x\"}")), api.requests);
        assertEquals(List.of(Destination.PENDING, Destination.OUTPUT),
                outcomes.stream().map(TaskOutcome::destination).toList());
        assertEquals("tr-x", text(outcomes.get(0).key()));
    }

    // ------------------------------------------------------------------------------------------------ refusals

    @Test
    void refusedBatchIsRetriedIdByIdAndOnlyTheRefusedIdIsDeadLettered() throws IOException {
        apiAnswersOtherRequests();
        api.answer(400, error("bad_request", "ids must be UUIDs"))
                .answer(200, detail(ID_A, "tr-a", "processing", null))
                .answer(400, error("bad_request", "invalid id"))
                .answer(200, detail(ID_C, "tr-c", "done", VIDEO));

        List<TaskOutcome> outcomes = poller.poll(List.of(task(ID_A), task(ID_B), task(ID_C)));

        assertEquals(List.of(
                json("{\"action\":\"retrieve_batch\",\"ids\":[\"" + ID_A + "\",\"" + ID_B + "\",\"" + ID_C + "\"]}"),
                json("{\"action\":\"retrieve\",\"id\":\"" + ID_A + "\"}"),
                json("{\"action\":\"retrieve\",\"id\":\"" + ID_B + "\"}"),
                json("{\"action\":\"retrieve\",\"id\":\"" + ID_C + "\"}")), api.requests);
        assertEquals(List.of(Destination.PENDING, Destination.DEAD_LETTER, Destination.OUTPUT),
                outcomes.stream().map(TaskOutcome::destination).toList());

        TaskOutcome dead = outcomes.get(1);
        assertEquals(ID_B, text(dead.key()));
        assertEquals("bad_request", dead.header(BridgeHeaders.ERROR_CODE));
        assertEquals("invalid id", dead.header(BridgeHeaders.ERROR_MESSAGE));
        assertEquals("400", dead.header(BridgeHeaders.HTTP_STATUS));
        assertEquals(ID_B, dead.header(BridgeHeaders.TASK_ID));
        assertEquals("dreamina.tasks", dead.header(BridgeHeaders.ORIGIN_TOPIC));
        assertNoPendingHeaders(dead);
        assertNull(outcomes.get(0).header(BridgeHeaders.ERROR_CODE));
        assertNull(outcomes.get(2).header(BridgeHeaders.ERROR_CODE));
        assertFalse(gate.isCredentialRejected());
    }

    @Test
    void refusedBatchOfOneIsDeadLetteredWithoutASecondRequest() {
        apiAnswersOtherRequests();
        api.answer(400, error("bad_request", "invalid id"));

        TaskOutcome outcome = poller.poll(List.of(task(ID_A))).get(0);

        assertEquals(1, api.requests.size());
        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals("bad_request", outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals("400", outcome.header(BridgeHeaders.HTTP_STATUS));
    }

    @Test
    void noApiIsARefusedEndpointNotATasksFault() {
        apiAnswersOtherRequests();
        api.answer(404, error("no_api", "API not found"));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A), task(ID_B))));

        assertEquals(START.plus(CREDENTIAL_RECHECK), e.retryAt());
        assertEquals(ApiGate.State.PAUSED, gate.state());
        assertEquals(1, listener.rejected.size(), "new input is paused, as for a refused token");
        assertTrue(listener.rejected.get(0).contains("dreamina.api.base-url"), listener.rejected.get(0));
    }

    @Test
    void sameRefusalForEveryTaskWithNoSuccessOpensTheCircuitInsteadOfDeadLettering() {
        // A proxy answers 407 to everything: the batch, then each of its ids.
        List<PendingTask> tasks = new ArrayList<>();
        for (int i = 0; i < ApiGate.REFUSAL_STREAK_LIMIT; i++) {
            tasks.add(task(String.format("10000000-0000-4000-8000-%012d", i)));
        }
        for (int i = 0; i <= tasks.size(); i++) {
            api.answer(407, error("proxy_auth", "proxy authentication required"));
        }

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class, () -> poller.poll(tasks));

        assertEquals(tasks.size() + 1, api.requests.size());
        assertEquals(START.plus(CREDENTIAL_RECHECK), e.retryAt());
        assertEquals(ApiGate.State.PAUSED, gate.state());
        assertEquals(1, listener.rejected.size());
    }

    @Test
    void aRefusalWithNoRecentSuccessHoldsTheTaskInsteadOfDeadLetteringIt() {
        api.answer(400, error("bad_request", "invalid id"));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(Duration.ofSeconds(1)), e.retryAt());
        assertEquals(ApiGate.State.BACKING_OFF, gate.state());
        assertTrue(listener.rejected.isEmpty());
    }

    @Test
    void aFailedRequestWhileTheApiAnswersOthersIsIsolatedNotAnOutage() {
        apiAnswersOtherRequests();
        api.answer(500, error("api_error", "internal"));

        RequestFailedException e = assertThrows(RequestFailedException.class,
                () -> poller.poll(List.of(task(ID_A), task(ID_B))));

        assertEquals("api_error", e.code());
        assertEquals(500, e.httpStatus());
        assertTrue(gate.isOpen(), "one failing request does not hold back every task");
    }

    @Test
    void aTaskAloneWhoseOwnRequestFailsPastItsDeadlineIsDeadLetteredWithTheError() {
        clock.set(START.plus(Duration.ofMinutes(16)));
        apiAnswersOtherRequests();
        api.fail(new SocketTimeoutException("Read timed out"));

        TaskOutcome outcome = poller.poll(List.of(task(ID_A))).get(0);

        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals("timeout", outcome.header(BridgeHeaders.ERROR_CODE));
        assertNull(outcome.header(BridgeHeaders.HTTP_STATUS));
        assertTrue(outcome.header(BridgeHeaders.ERROR_MESSAGE).contains("read-timeout"));
    }

    @Test
    void aTaskAloneWhoseRequestKeepsFailingIsToldFromAnOutageByAProbe() {
        // No other request succeeds (the other tasks are done), but the API answers a request for no task: {}.
        api.answer(500, error("api_error", "internal"));
        api.probeAnswer = new ApiAnswer(200, "{}".getBytes(StandardCharsets.UTF_8), null);
        clock.set(START.plus(Duration.ofMinutes(16)));

        TaskOutcome outcome = poller.poll(List.of(task(ID_A))).get(0);

        assertEquals(1, api.probes);
        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals("api_error", outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals("500", outcome.header(BridgeHeaders.HTTP_STATUS));
        assertTrue(gate.isOpen());
    }

    @Test
    void theFirstFailureAfterAStartIsNotBlamedOnItsTaskWithoutAProbe() {
        // A restart after an outage longer than max-wait, the API still down: the gate has seen nothing yet.
        api.fail(new ConnectException("Connection refused"));
        clock.set(START.plus(Duration.ofMinutes(16)));

        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));

        assertEquals(1, api.probes, "the probe decides, and it fails too: an outage");
        assertEquals(ApiGate.State.BACKING_OFF, gate.state());
    }

    @Test
    void aFailureAfterAnEarlierSuccessIsNotBlamedOnItsTaskWithoutAProbe() {
        // The API answered a while ago, then went: a success before the request was sent proves nothing.
        apiAnswersOtherRequests();
        clock.set(START.plus(Duration.ofMinutes(16)));
        api.fail(new ConnectException("Connection refused"));

        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));

        assertEquals(1, api.probes);
    }

    @Test
    void aTaskAloneWhoseRequestFailsInAnOutageIsNeverDeadLettered() {
        api.answer(500, error("api_error", "internal"));
        clock.set(START.plus(Duration.ofMinutes(16)));

        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));
    }

    @Test
    void refusedTraceRetrieveIsDeadLetteredWithTheApiCode() {
        apiAnswersOtherRequests();
        api.answer(400, error("bad_request", "trace_id unknown format"));

        TaskOutcome outcome = poller.poll(List.of(task(null, "tr-bad", 0, START.plus(Duration.ofMinutes(15)))))
                .get(0);

        assertEquals(Destination.DEAD_LETTER, outcome.destination());
        assertEquals("bad_request", outcome.header(BridgeHeaders.ERROR_CODE));
        assertEquals("400", outcome.header(BridgeHeaders.HTTP_STATUS));
        assertEquals("tr-bad", text(outcome.key()));
    }

    // ------------------------------------------------------------------------------------------------ credential

    @ParameterizedTest
    @CsvSource({"401, invalid_token", "401, token_expired", "403, used_up", "403, disabled", "400, no_token"})
    void rejectedCredentialIsNoTasksFault(int status, String code) {
        api.answer(status, error(code, "credential problem"));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A), task(ID_B))));

        assertTrue(gate.isCredentialRejected());
        assertEquals(START.plus(CREDENTIAL_RECHECK), e.retryAt());
        assertTrue(e.getMessage().contains(code), e.getMessage());
        assertEquals(1, listener.rejected.size());
        assertEquals(1, api.requests.size());
    }

    @Test
    void successAfterRejectionAcceptsTheCredentialOnce() {
        api.answer(401, error("invalid_token", "bad token"));
        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));
        assertEquals(0, listener.accepted);

        clock.advance(CREDENTIAL_RECHECK);
        api.answer(200, batch(detail(ID_A, "tr-a", "done", VIDEO)));
        assertEquals(Destination.OUTPUT, poller.poll(List.of(task(ID_A))).get(0).destination());

        assertEquals(1, listener.accepted);
        assertFalse(gate.isCredentialRejected());

        api.answer(200, batch());
        poller.poll(List.of(task(ID_B)));
        assertEquals(1, listener.accepted);
        assertEquals(1, listener.rejected.size());
    }

    @Test
    void repeatedRejectionNotifiesTheListenerOnce() {
        api.answer(403, error("used_up", "balance exhausted"));
        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));
        clock.advance(CREDENTIAL_RECHECK);
        api.answer(403, error("used_up", "balance exhausted"));
        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));

        assertEquals(2, api.requests.size());
        assertEquals(1, listener.rejected.size());
        assertEquals(START.plus(CREDENTIAL_RECHECK).plus(CREDENTIAL_RECHECK), gate.openAt());
    }

    // ------------------------------------------------------------------------------------------------ unavailable

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        api.answer(429, "{\"success\":false,\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}", "7");

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A), task(ID_B))));

        assertEquals(START.plus(Duration.ofSeconds(7)), e.retryAt());
        assertEquals(e.retryAt(), gate.openAt());
        assertFalse(gate.isCredentialRejected());
        assertTrue(listener.rejected.isEmpty());
    }

    @Test
    void tooManyRequestsWithAnHttpDateRetryAfter() {
        api.answer(429, error("too_many_requests", "slow down"), "Sat, 01 Mar 2025 12:00:12 GMT");

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(Duration.ofSeconds(12)), e.retryAt());
    }

    @Test
    void longRetryAfterIsCapped() {
        api.answer(429, error("too_many_requests", "slow down"), "3600");

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(RETRY_AFTER_CAP), e.retryAt());
    }

    @Test
    void tooManyRequestsWithoutRetryAfterBacksOff() {
        api.answer(429, error("too_many_requests", "slow down"));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(Duration.ofSeconds(1)), e.retryAt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "500 | {\"error\":{\"code\":\"api_error\",\"message\":\"internal\"}}",
            "502 | <html>Bad Gateway</html>",
            "503 | ''",
            "504 | {\"error\":{\"code\":\"timeout\",\"message\":\"upstream timeout\"}}",
            "200 | <html>maintenance</html>",
            "200 | {\"items\":[]} trailing",
            "200 | []",
            "302 | ''"
    })
    void serverErrorsAndUnreadableAnswersMakeTheApiUnavailable(int status, String body) {
        api.answer(status, body);

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A), task(ID_B))));

        assertEquals(START.plus(Duration.ofSeconds(1)), e.retryAt());
        assertEquals(1, api.requests.size());
        assertFalse(gate.isOpen());
        assertFalse(gate.isCredentialRejected());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>maintenance</html>", "", "[]", "\"text\"", "{\"id\":\"a\"} {}"})
    void unreadableAnswerToRetrieveMakesTheApiUnavailable(String body) {
        api.answer(200, body);

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))))));

        assertEquals(START.plus(Duration.ofSeconds(1)), e.retryAt());
    }

    @Test
    void ioErrorMakesTheApiUnavailable() {
        api.fail(new SocketTimeoutException("Read timed out"));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(Duration.ofSeconds(1)), e.retryAt());
        assertTrue(e.getMessage().contains("read-timeout"), e.getMessage());
    }

    @Test
    void closedGateSendsNoRequestUntilItsTimeHasCome() {
        api.fail(new ConnectException("Connection refused"));
        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));
        Instant openAt = gate.openAt();
        assertEquals(START.plus(Duration.ofSeconds(1)), openAt);

        clock.set(openAt.minusMillis(1));
        ApiUnavailableException waiting = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));
        assertEquals(openAt, waiting.retryAt());
        assertEquals(1, api.requests.size());

        // A second failure in a row doubles the backoff.
        clock.set(openAt);
        api.answer(500, error("api_error", "internal"));
        ApiUnavailableException again = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));
        assertEquals(2, api.requests.size());
        assertEquals(openAt.plus(Duration.ofSeconds(2)), again.retryAt());

        clock.set(again.retryAt());
        api.answer(200, batch(detail(ID_A, "tr-a", "done", VIDEO)));
        assertEquals(Destination.OUTPUT, poller.poll(List.of(task(ID_A))).get(0).destination());
        assertEquals(3, api.requests.size());
    }

    @Test
    void aGateClosedWhileARequestWaitsForTheRateLimitHoldsThatRequestBack() throws InterruptedException {
        // One request a second on a clock that moves only while a request waits its turn. While this poll waits,
        // another request meets a 429 (Retry-After: 30) and closes the gate: the poll must not go out behind it.
        long[] nanos = {0};
        ApiRateLimiter limiter = new ApiRateLimiter(1, new io.github.bucket4j.TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanos[0];
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        }, waitNanos -> {
            nanos[0] += waitNanos;
            gate.transientFailure("HTTP 429 too_many_requests", Optional.of(Duration.ofSeconds(30)));
        });
        limiter.acquire(); // the other request took this second's turn
        TaskPoller waiting = new TaskPoller(api, limiter, gate, new TaskAnswerClassifier(), JsonLimits.apiMapper(),
                INTERVAL, clock);

        ApiUnavailableException held = assertThrows(ApiUnavailableException.class,
                () -> waiting.poll(List.of(task(ID_A))));
        assertEquals(START.plus(Duration.ofSeconds(30)), held.retryAt());
        assertEquals(0, api.requests.size(), "no request went out while the gate was closed");
    }

    @Test
    void nonJsonAnswersInARowBackOffExponentiallyLikeAnyOtherFailure() {
        api.answer(200, "<html>maintenance</html>");
        ApiUnavailableException first = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));
        assertEquals(START.plus(Duration.ofSeconds(1)), first.retryAt());

        clock.set(first.retryAt());
        api.answer(200, "<html>still maintenance</html>");
        ApiUnavailableException second = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));
        assertEquals(first.retryAt().plus(Duration.ofSeconds(2)), second.retryAt(),
                "a 200 that is not the API's JSON is no success: the backoff doubles");
    }

    @Test
    void closedGateStopsTraceRetrievesToo() {
        api.answer(503, "");
        assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))))));

        assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))))));
        assertEquals(1, api.requests.size());
    }

    @Test
    void failureWhileIsolatingARefusedBatchLeavesEveryTaskWhereItIs() {
        api.answer(400, error("bad_request", "bad batch"))
                .answer(200, detail(ID_A, "tr-a", "done", VIDEO))
                .answer(500, error("api_error", "internal"));

        // Right after a success the failure is this request's (the scheduler isolates the tasks): nothing is decided.
        assertThrows(RequestFailedException.class, () -> poller.poll(List.of(task(ID_A), task(ID_B))));
        assertEquals(3, api.requests.size());
    }

    @Test
    void emptyListMakesNoRequest() {
        assertTrue(poller.poll(List.of()).isEmpty());
        assertTrue(api.requests.isEmpty());
    }

    @Test
    void retrieveBatchAnsweredInUtf16IsUnavailableNotACrash() {
        api.script.add(new ApiAnswer(200, batch(detail(ID_A, "tr-a", "done", VIDEO))
                .getBytes(StandardCharsets.UTF_16BE), null));

        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(task(ID_A))));
    }

    // ------------------------------------------------------------------------------------------------ not the API

    private static final String NOT_THE_API = "{\"status\":\"ok\"}";

    @Test
    void anotherServicesJsonToABatchIsNoAnswerAndNoTasksFault() {
        api.answer(200, NOT_THE_API);
        api.probeAnswer = new ApiAnswer(200, NOT_THE_API.getBytes(StandardCharsets.UTF_8), null);
        clock.set(START.plus(Duration.ofMinutes(16)));

        ApiUnavailableException e = assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(ID_A))));

        assertEquals(START.plus(Duration.ofMinutes(16)).plusSeconds(1), e.retryAt(), "an outage: backing off");
        assertEquals(1, api.probes, "the probe answered the same: no success");
        assertFalse(gate.isCredentialRejected());
    }

    @Test
    void anotherServicesJsonToARetrieveIsNoAnswer() {
        api.answer(200, NOT_THE_API);

        assertThrows(ApiUnavailableException.class,
                () -> poller.poll(List.of(task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"id\":\"" + ID_A + "\"}", "{\"trace_id\":\"tr-x\",\"response\":{}}"})
    void retrieveAnswersOfTheContractsShapeAreAnswers(String body) {
        api.answer(200, body);

        TaskOutcome outcome = poller.poll(List.of(task(null, "tr-x", 0, START.plus(Duration.ofMinutes(15))))).get(0);

        assertEquals(Destination.PENDING, outcome.destination());
    }

    @Test
    void anotherServiceAnsweringEveryRequestOpensTheCircuitAndDeadLettersNothing() {
        api.probeAnswer = new ApiAnswer(200, NOT_THE_API.getBytes(StandardCharsets.UTF_8), null);
        PendingTask late = task(ID_A, null, 3, START.minus(Duration.ofMinutes(1)));
        int polls = 0;
        while (gate.state() != ApiGate.State.PAUSED) {
            assertTrue(++polls <= ApiGate.REFUSAL_STREAK_LIMIT, "the circuit opens within the streak limit");
            api.answer(200, NOT_THE_API);
            clock.set(START.plusSeconds(polls * 60L));
            assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(late)), "nothing decided");
        }

        assertEquals(1, listener.rejected.size(), "new input paused, said once");
        assertTrue(listener.rejected.get(0).contains("not the Tasks API"), listener.rejected.get(0));
        // Re-checked after the pause: still the other service, still paused; then the API, resumed.
        clock.set(gate.openAt());
        api.answer(200, NOT_THE_API);
        assertThrows(ApiUnavailableException.class, () -> poller.poll(List.of(late)));
        assertEquals(ApiGate.State.PAUSED, gate.state());
        clock.set(gate.openAt());
        api.answer(200, batch(detail(ID_A, "tr-a", "done", VIDEO)));
        assertEquals(Destination.OUTPUT, poller.poll(List.of(late)).get(0).destination());
        assertEquals(1, listener.accepted);
    }

    // ------------------------------------------------------------------------------------------------ clocks

    @Test
    void aClockLeadingByLessThanAnIntervalGivesNoTaskUpEarly() {
        // Written by a correct instance: deadline = ingest + max-wait. Now (correct) is 1 s before it.
        Instant deadline = START.plus(Duration.ofMinutes(15));
        PendingTask pending = task(ID_A, null, 179, deadline);
        Instant correctNow = deadline.minusSeconds(1);
        TestClock leading = new TestClock(correctNow.plusSeconds(4));
        TaskPoller skewed = new TaskPoller(api, new ApiRateLimiter(1000), gate, new TaskAnswerClassifier(),
                JsonLimits.apiMapper(), INTERVAL, leading);
        clock.set(correctNow);
        api.answer(200, batch()).answer(200, batch());

        TaskOutcome byCorrect = poller.poll(List.of(pending)).get(0);
        TaskOutcome bySkewed = skewed.poll(List.of(pending)).get(0);

        assertEquals(Destination.PENDING, byCorrect.destination());
        assertEquals(Destination.PENDING, bySkewed.destination(), "4 s ahead is within the tolerance");
        assertEquals(String.valueOf(millis(deadline.plus(INTERVAL))), bySkewed.header(BridgeHeaders.PENDING_DUE));

        leading.set(deadline.plus(INTERVAL));
        api.answer(200, batch());
        assertEquals(Destination.DEAD_LETTER, skewed.poll(List.of(readBack(bySkewed))).get(0).destination(),
                "given up once its clock is an interval past the deadline");
    }
}
