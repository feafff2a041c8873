package cloud.acedata.dreamina.bridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The product's simulator: the API's protocol, its rate limit, latency, lifecycle and extension point. */
class TasksApiSimulatorTest extends SimulatorTestSupport {

    // ---------------------------------------------------------------- retrieve

    @Test
    void retrieveByIdAnswersTheDocumentedDetail() {
        SimulatedTask task = simulator.createTask(
                TaskScript.done(Duration.ZERO).withInputs("https://cdn.acedata.cloud/4hfydw.jpg",
                        "https://cdn.acedata.cloud/6f7d62b18b.wav"));

        JsonNode detail = ok(post("{\"action\":\"retrieve\",\"id\":\"" + task.id() + "\"}"));

        assertEquals(task.id(), detail.path("id").asText());
        assertEquals(task.traceId(), detail.path("trace_id").asText());
        assertEquals("omnihuman-1.5", detail.path("request").path("model").asText());
        assertEquals("https://cdn.acedata.cloud/4hfydw.jpg", detail.path("request").path("image_url").asText());
        assertEquals("https://cdn.acedata.cloud/6f7d62b18b.wav", detail.path("request").path("audio_url").asText());
        JsonNode response = detail.path("response");
        assertTrue(response.path("success").asBoolean());
        JsonNode data = response.path("data");
        assertEquals(task.id().replace("-", ""), data.path("task_id").asText());
        assertEquals("done", data.path("status").asText());
        assertEquals(task.videoUrl(), data.path("video_url").asText());
        assertTrue(task.videoUrl().matches("https://cdn\\.acedata\\.cloud/[0-9a-f]+\\.mp4"), task.videoUrl());
        assertEquals("https://cdn.acedata.cloud/4hfydw.jpg", data.path("image_url").asText());
        assertEquals("https://cdn.acedata.cloud/6f7d62b18b.wav", data.path("audio_url").asText());
        Instant.parse(detail.path("created_at").asText());
        Instant.parse(detail.path("started_at").asText());
        Instant.parse(detail.path("finished_at").asText());
        assertTrue(detail.path("elapsed").isNumber());
    }

    @Test
    void actionDefaultsToRetrieve() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));

        JsonNode detail = ok(post("{\"id\":\"" + task.id() + "\"}"));

        assertEquals(task.id(), detail.path("id").asText());
        assertEquals(1, requests.requestCount("retrieve"));
    }

    @Test
    void retrieveByTraceId() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));

        JsonNode detail = ok(post("{\"action\":\"retrieve\",\"trace_id\":\"" + task.traceId() + "\"}"));

        assertEquals(task.id(), detail.path("id").asText());
    }

    @Test
    void unknownTaskAnswersEmptyObject() {
        HttpResponse<String> response = post("{\"action\":\"retrieve\",\"id\":\"" + UUID.randomUUID() + "\"}");

        assertEquals(200, response.statusCode());
        assertEquals("{}", response.body());
    }

    @Test
    void taskNotYetVisibleAnswersEmptyObjectThenAppearsPending() {
        SimulatedTask task = simulator.createTask(
                TaskScript.done(Duration.ofSeconds(20)).visibleAfter(Duration.ofMillis(500)));
        String retrieve = "{\"action\":\"retrieve\",\"id\":\"" + task.id() + "\"}";

        assertEquals("{}", post(retrieve).body());
        JsonNode batch = ok(post("{\"action\":\"retrieve_batch\",\"ids\":[\"" + task.id() + "\"]}"));
        assertEquals(0, batch.path("count").asInt());

        JsonNode detail = pollUntil(() -> ok(post(retrieve)), node -> node.size() > 0);
        assertEquals("pending", detail.path("response").path("data").path("status").asText());
    }

    @Test
    void statusMovesFromPendingThroughProcessingToDone() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ofMillis(1_000)));
        String retrieve = "{\"action\":\"retrieve\",\"id\":\"" + task.id() + "\"}";
        List<String> statuses = new ArrayList<>();

        JsonNode finished = pollUntil(() -> {
            JsonNode detail = ok(post(retrieve));
            String status = detail.path("response").path("data").path("status").asText();
            if (!"done".equals(status)) {
                assertFalse(detail.path("response").path("data").has("video_url"), "no video before done");
                assertFalse(detail.has("finished_at"));
                assertFalse(detail.has("elapsed"));
            }
            if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(status)) {
                statuses.add(status);
            }
            return detail;
        }, detail -> "done".equals(detail.path("response").path("data").path("status").asText()));

        assertEquals(List.of("pending", "processing", "done"), statuses);
        assertEquals(task.videoUrl(), finished.path("response").path("data").path("video_url").asText());
        assertTrue(finished.has("finished_at"));
        assertEquals(1.0, finished.path("elapsed").asDouble(), 0.001);
    }

    @Test
    void failureOutcomesAnswerAsScripted() {
        SimulatedTask failed = simulator.createTask(TaskScript.failed(Duration.ZERO));
        SimulatedTask rejected = simulator.createTask(TaskScript.failed("rejected", Duration.ZERO));
        SimulatedTask noVideo = simulator.createTask(TaskScript.doneWithoutVideo(Duration.ZERO));
        SimulatedTask responseFailed = simulator.createTask(
                TaskScript.responseFailed("content_violation", "the image was refused", Duration.ZERO));
        SimulatedTask never = simulator.createTask(TaskScript.never());

        assertEquals("failed", dataOf(failed).path("status").asText());
        assertFalse(dataOf(failed).has("video_url"));
        assertEquals("rejected", dataOf(rejected).path("status").asText());
        assertEquals("done", dataOf(noVideo).path("status").asText());
        assertFalse(dataOf(noVideo).has("video_url"));
        assertNull(noVideo.videoUrl());

        JsonNode response = ok(post("{\"id\":\"" + responseFailed.id() + "\"}")).path("response");
        assertFalse(response.path("success").asBoolean(true));
        assertEquals("content_violation", response.path("error").path("code").asText());
        assertEquals("the image was refused", response.path("error").path("message").asText());

        assertEquals("pending", dataOf(never).path("status").asText());
        assertFalse(never.isFinished());
    }

    @Test
    void aTaskCountingFromItsFirstPollFinishesThatLongAfterTheFirstRequestNamingIt() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ofMillis(300)).fromFirstPoll());
        // Created long before anyone asks: its clock has not started.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400));
        assertTrue(task.finishedAt().isEmpty(), "no finish time before the first poll");
        assertEquals(0, task.polls());

        Instant beforeFirstPoll = Instant.now();
        assertEquals("pending", dataOf(task).path("status").asText());
        Instant finishedAt = task.finishedAt().orElseThrow();
        assertFalse(finishedAt.isBefore(beforeFirstPoll.plusMillis(300)), "finishes 300 ms after the first poll");
        assertTrue(finishedAt.isBefore(Instant.now().plusMillis(300)));

        JsonNode done = pollUntil(() -> ok(post("{\"id\":\"" + task.id() + "\"}")),
                detail -> "done".equals(detail.path("response").path("data").path("status").asText()));
        assertFalse(Instant.now().isBefore(finishedAt), "done is answered only from finishedAt on");
        assertEquals(finishedAt.toString(), done.path("finished_at").asText());
        assertTrue(task.polls() >= 2);
    }

    @Test
    void finishedAtOfACreationScriptIsCreationPlusFinishAfter() {
        Instant before = Instant.now();
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ofSeconds(5)));
        Instant finishedAt = task.finishedAt().orElseThrow();
        assertFalse(finishedAt.isBefore(before.plusSeconds(5)));
        assertTrue(finishedAt.isBefore(Instant.now().plusSeconds(5).plusMillis(1)));
        assertTrue(simulator.createTask(TaskScript.never()).finishedAt().isEmpty());
    }

    @Test
    void aFinishedDetailIsAnsweredIdenticallyEveryTime() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));
        String retrieve = "{\"id\":\"" + task.id() + "\"}";
        String batch = "{\"action\":\"retrieve_batch\",\"ids\":[\"" + task.id() + "\"]}";

        String first = post(retrieve).body();
        assertEquals(first, post(retrieve).body());
        JsonNode items = ok(post(batch)).path("items");
        assertEquals(parse(first), items.get(0));
    }

    // ---------------------------------------------------------------- retrieve_batch

    @Test
    void batchAnswersVisibleKnownTasksOnly() {
        SimulatedTask done = simulator.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask pending = simulator.createTask(TaskScript.never());
        SimulatedTask invisible = simulator.createTask(TaskScript.done(Duration.ofMinutes(1))
                .visibleAfter(Duration.ofMinutes(1)));
        String unknown = UUID.randomUUID().toString();

        JsonNode answer = ok(post("{\"action\":\"retrieve_batch\",\"ids\":[\"" + done.id() + "\",\"" + unknown
                + "\",\"" + invisible.id() + "\",\"" + pending.id() + "\"]}"));

        assertEquals(2, answer.path("count").asInt());
        assertEquals(2, answer.path("items").size());
        assertEquals(done.id(), answer.path("items").get(0).path("id").asText());
        assertEquals("done", answer.path("items").get(0).path("response").path("data").path("status").asText());
        assertEquals(pending.id(), answer.path("items").get(1).path("id").asText());
        assertEquals(1, requests.requestCount("retrieve_batch"));
        assertEquals(4, requests.idsRequested());
        assertEquals(1, done.polls());
    }

    @Test
    void batchAnswerOfManyFinishedTasksIsValidJsonInRequestOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(simulator.createTask(TaskScript.done(Duration.ZERO)).id());
        }
        String body = "{\"action\":\"retrieve_batch\",\"ids\":[\"" + String.join("\",\"", ids) + "\"]}";

        for (int round = 0; round < 2; round++) {
            JsonNode answer = ok(post(body));
            assertEquals(100, answer.path("count").asInt());
            for (int i = 0; i < 100; i++) {
                assertEquals(ids.get(i), answer.path("items").get(i).path("id").asText());
            }
        }
        assertEquals(200, requests.idsRequested());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void retrieveWithoutIdOrTraceIdIsBadRequest() {
        HttpResponse<String> response = post("{\"action\":\"retrieve\"}");

        JsonNode body = assertError(response, 400, "bad_request");
        assertEquals("id or trace_id is required to retrieve a task", body.path("error").path("message").asText());
        assertError(post("{}"), 400, "bad_request");
    }

    @Test
    void malformedRequestsAreBadRequests() {
        assertError(post("not json"), 400, "bad_request");
        assertError(post(""), 400, "bad_request");
        assertError(post("[\"a\"]"), 400, "bad_request");
        assertError(post("{\"action\":\"cancel\",\"id\":\"x\"}"), 400, "bad_request");
        assertError(post("{\"action\":5,\"id\":\"x\"}"), 400, "bad_request");
        assertError(post("{\"action\":\"retrieve\",\"id\":5}"), 400, "bad_request");
        assertError(post("{\"action\":\"retrieve_batch\"}"), 400, "bad_request");
        assertError(post("{\"action\":\"retrieve_batch\",\"ids\":\"a\"}"), 400, "bad_request");
        assertError(post("{\"action\":\"retrieve_batch\",\"ids\":[\"a\",1]}"), 400, "bad_request");
    }

    @Test
    void missingTokenIsNoToken() {
        assertError(post(TasksApiSimulator.PATH, null, "{\"id\":\"x\"}"), 400, "no_token");
    }

    @Test
    void wrongTokenIsInvalidToken() {
        assertError(post(TasksApiSimulator.PATH, "Bearer other", "{\"id\":\"x\"}"), 401, "invalid_token");
        assertError(post(TasksApiSimulator.PATH, "bearer " + TOKEN, "{\"id\":\"x\"}"), 401, "invalid_token");
        assertError(post(TasksApiSimulator.PATH, TOKEN, "{\"id\":\"x\"}"), 401, "invalid_token");
    }

    /** The vendor's table (docs/tasks-api.md, "Errors"): every 401 and 403 code must be producible. */
    @ParameterizedTest
    @CsvSource({
        "INVALID, 401, invalid_token",
        "EXPIRED, 401, token_expired",
        "MISMATCHED, 401, token_mismatched",
        "DISABLED, 403, disabled",
        "USED_UP, 403, used_up",
        "FORBIDDEN, 403, forbidden"
    })
    void everyTokenStateAnswersItsDocumentedError(TokenState state, int status, String code) {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));
        String retrieve = "{\"id\":\"" + task.id() + "\"}";

        simulator.tokenState(state);
        assertError(post(retrieve), status, code);

        simulator.tokenState(TokenState.VALID);
        assertEquals(task.id(), ok(post(retrieve)).path("id").asText());
    }

    @Test
    void otherPathOrMethodIsNoApi() {
        assertError(post("/dreamina/task", BEARER, "{\"id\":\"x\"}"), 404, "no_api");
        assertError(post("/dreamina/tasks/", BEARER, "{\"id\":\"x\"}"), 404, "no_api");
        assertError(post("/", null, "{}"), 404, "no_api");
        HttpResponse<String> get = send(HttpRequest.newBuilder(uri(TasksApiSimulator.PATH))
                .header("authorization", BEARER).GET().build());
        assertError(get, 404, "no_api");
    }

    // ---------------------------------------------------------------- rate limit, latency, lifecycle

    @Test
    void rateLimitAnswers429AboveTheConfiguredRate() {
        simulator.maxRequestsPerSecond(5);
        requests.reset();
        long start = System.nanoTime();

        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(HTTP.sendAsync(request(TasksApiSimulator.PATH, BEARER, "{\"id\":\"x\"}"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = burst.stream().map(CompletableFuture::join).toList();
        long spannedSeconds = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        List<HttpResponse<String>> limited = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(20, ok + limited.size());
        assertTrue(limited.size() >= 1, "at least one 429");
        assertTrue(ok <= 5 * spannedSeconds, ok + " successes in " + spannedSeconds + " s window(s)");
        assertEquals(limited.size(), requests.rateLimitedCount());
        for (HttpResponse<String> response : limited) {
            assertError(response, 429, "too_many_requests");
            assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        }
        // The window slides: once a second has passed, requests are admitted again.
        pollUntil(() -> post("{\"id\":\"x\"}"), response -> response.statusCode() == 200);
    }

    @Test
    void latencyDelaysEveryAnswer() {
        simulator.latency(Duration.ofMillis(150));
        long start = System.nanoTime();

        post("{\"id\":\"x\"}");

        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
    }

    @Test
    void closeStopsQuicklyEvenWhileARequestHangs() {
        faults.hangFor(Duration.ofMinutes(1)).failAlways(Fault.hang());
        CompletableFuture<HttpResponse<String>> hanging = HTTP.sendAsync(
                request(TasksApiSimulator.PATH, BEARER, "{\"id\":\"x\"}"), HttpResponse.BodyHandlers.ofString());
        awaitUntil(() -> requests.requestCount() == 1);
        long start = System.nanoTime();

        simulator.close();

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close took too long");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> hanging.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof IOException, failure.getCause().toString());
    }

    // ---------------------------------------------------------------- extension point

    @Test
    void aHookAnswersInsteadOfTheApiAndIsToldOfEveryAnswerWithItsOrigin() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));
        List<String> told = new CopyOnWriteArrayList<>();
        simulator.maxRequestsPerSecond(1).hook(new ExchangeHook() {
            @Override
            public SimulatorAnswer intercept(SimulatorRequest request) {
                return "hooked".equals(request.json().path("id").asText())
                        ? SimulatorAnswer.error(503, "api_error", "from the hook", null) : null;
            }

            @Override
            public void answered(SimulatorRequest request, SimulatorAnswer answer, AnsweredBy by) {
                told.add(request.action() + " " + answer.status() + " " + by);
            }
        });

        assertEquals(task.id(), ok(post("{\"id\":\"" + task.id() + "\"}")).path("id").asText());
        assertEquals("from the hook",
                assertError(post("{\"id\":\"hooked\"}"), 503, "api_error").path("error").path("message").asText());
        // The hook's answer took no place in the window of one request a second: this one is the second in it.
        assertError(post("{\"action\":\"retrieve_batch\",\"ids\":[]}"), 429, "too_many_requests");
        assertEquals(List.of("retrieve 200 PROTOCOL", "retrieve 503 HOOK", "retrieve_batch 429 RATE_LIMIT"), told);
    }

    @Test
    void aHookAnsweringNoneClosesTheConnection() {
        simulator.hook(request -> SimulatorAnswer.NONE);
        HttpRequest request = request(TasksApiSimulator.PATH, BEARER, "{\"id\":\"x\"}");

        assertThrows(IOException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        simulator.hook(null);
        assertEquals("{}", post("{\"id\":\"x\"}").body());
    }

    @Test
    void chainedHooksAreAllToldAndTheFirstAnswerWins() {
        List<String> calls = new CopyOnWriteArrayList<>();
        ExchangeHook first = hook("first", calls, null);
        ExchangeHook second = hook("second", calls, SimulatorAnswer.error(500, "api_error", "second", null));
        ExchangeHook third = hook("third", calls, SimulatorAnswer.error(504, "timeout", "third", null));
        simulator.hook(first.andThen(second).andThen(third));

        assertError(post("{\"id\":\"x\"}"), 500, "api_error");

        assertEquals(List.of("first intercept", "second intercept", "first answered 500 HOOK",
                "second answered 500 HOOK", "third answered 500 HOOK"), calls);
    }

    private static ExchangeHook hook(String name, List<String> calls, SimulatorAnswer answer) {
        return new ExchangeHook() {
            @Override
            public SimulatorAnswer intercept(SimulatorRequest request) {
                calls.add(name + " intercept");
                return answer;
            }

            @Override
            public void answered(SimulatorRequest request, SimulatorAnswer given, AnsweredBy by) {
                calls.add(name + " answered " + given.status() + " " + by);
            }
        };
    }
}
