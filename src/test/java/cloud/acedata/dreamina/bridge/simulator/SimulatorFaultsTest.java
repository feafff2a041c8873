package cloud.acedata.dreamina.bridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatorFaultsTest extends SimulatorTestSupport {

    // ---------------------------------------------------------------- faults

    @Test
    void failNextAnswersTheFaultThenRecovers() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));
        String retrieve = "{\"id\":\"" + task.id() + "\"}";
        faults.failNext(2, Fault.status(500, "api_error")).failNext(1, Fault.status(504, "timeout"));

        assertError(post(retrieve), 500, "api_error");
        assertError(post(retrieve), 500, "api_error");
        assertError(post(retrieve), 504, "timeout");
        assertEquals(task.id(), ok(post(retrieve)).path("id").asText());
        assertEquals(3, faults.faultCount());
    }

    @Test
    void failAlwaysUntilCleared() {
        faults.failAlways(Fault.status(400, "bad_request"));

        assertError(post("{\"id\":\"x\"}"), 400, "bad_request");
        assertError(post("{\"id\":\"x\"}"), 400, "bad_request");
        faults.clearFaults();
        assertEquals("{}", post("{\"id\":\"x\"}").body());
    }

    @Test
    void tooManyRequestsFaultCarriesTheGivenRetryAfter() {
        String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.now().plusSeconds(3).atZone(ZoneOffset.UTC));
        faults.failNext(1, Fault.tooManyRequests("7"))
                .failNext(1, Fault.tooManyRequests(httpDate))
                .failNext(1, Fault.tooManyRequests(null));

        HttpResponse<String> seconds = post("{\"id\":\"x\"}");
        assertError(seconds, 429, "too_many_requests");
        assertEquals("7", seconds.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(httpDate, post("{\"id\":\"x\"}").headers().firstValue("Retry-After").orElseThrow());
        HttpResponse<String> none = post("{\"id\":\"x\"}");
        assertError(none, 429, "too_many_requests");
        assertTrue(none.headers().firstValue("Retry-After").isEmpty());
        assertEquals(0, requests.rateLimitedCount(), "faults are not the simulator's own rate limit");
    }

    @Test
    void rateLimitedConcurrencyHasTheFaqShape() {
        faults.failNext(1, Fault.rateLimitedConcurrency());

        HttpResponse<String> response = post("{\"id\":\"x\"}");

        assertEquals(429, response.statusCode());
        JsonNode body = parse(response.body());
        assertFalse(body.path("success").asBoolean(true));
        assertEquals("rate_limited", body.path("error").path("code").asText());
        assertFalse(body.path("error").path("message").asText().isEmpty());
    }

    @Test
    void nonJson200IsHtml() {
        faults.failNext(1, Fault.nonJson200());

        HttpResponse<String> response = post("{\"id\":\"x\"}");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertThrows(JsonProcessingException.class, () -> JSON.readTree(response.body()));
    }

    @Test
    void hangWaitsThenAnswers500() {
        faults.hangFor(Duration.ofMillis(200)).failNext(1, Fault.hang());
        long start = System.nanoTime();

        HttpResponse<String> response = post("{\"id\":\"x\"}");

        assertError(response, 500, "api_error");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void droppedConnectionIsAnIoError() {
        faults.failNext(1, Fault.dropConnection());
        HttpRequest request = request(TasksApiSimulator.PATH, BEARER, "{\"id\":\"x\"}");

        assertThrows(IOException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals("{}", post("{\"id\":\"x\"}").body());
    }

    @Test
    void poisonIdFailsEveryRequestNamingIt() {
        SimulatedTask poisoned = simulator.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask healthy = simulator.createTask(TaskScript.done(Duration.ZERO));
        faults.poisonId(poisoned.id());

        JsonNode single = assertError(post("{\"id\":\"" + poisoned.id() + "\"}"), 400, "bad_request");
        assertFalse(single.toString().contains(poisoned.id()), "the error names no task");
        assertError(post("{\"action\":\"retrieve_batch\",\"ids\":[\"" + healthy.id() + "\",\"" + poisoned.id()
                + "\"]}"), 400, "bad_request");

        JsonNode batch = ok(post("{\"action\":\"retrieve_batch\",\"ids\":[\"" + healthy.id() + "\"]}"));
        assertEquals(1, batch.path("count").asInt());
        assertEquals(healthy.id(), ok(post("{\"id\":\"" + healthy.id() + "\"}")).path("id").asText());
    }

    @Test
    void failWhenNamingAnswersTheFaultForRequestsNamingTheIdOnly() {
        SimulatedTask bad = simulator.createTask(TaskScript.done(Duration.ZERO));
        SimulatedTask good = simulator.createTask(TaskScript.done(Duration.ZERO));
        faults.failWhenNaming(bad.id(), Fault.status(502, "api_error"));

        assertError(post("{\"id\":\"" + bad.id() + "\"}"), 502, "api_error");
        assertError(post("{\"action\":\"retrieve_batch\",\"ids\":[\"" + good.id() + "\",\"" + bad.id() + "\"]}"),
                502, "api_error");
        assertEquals(good.id(), ok(post("{\"id\":\"" + good.id() + "\"}")).path("id").asText());
        assertEquals(2, faults.faultCount());
        faults.clearFaults();
        assertEquals(bad.id(), ok(post("{\"id\":\"" + bad.id() + "\"}")).path("id").asText());
    }
}
