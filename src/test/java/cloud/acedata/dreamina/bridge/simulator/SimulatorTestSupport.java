package cloud.acedata.dreamina.bridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A started simulator per test, with a {@link RequestLog} and {@link SimulatorFaults} on its hook, and an HTTP
 * client speaking to it.
 */
abstract class SimulatorTestSupport {

    static final String TOKEN = "test-token";
    static final String BEARER = "Bearer " + TOKEN;
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    TasksApiSimulator simulator;
    /** Installed on every test's simulator, before {@link #faults}. */
    RequestLog requests;
    SimulatorFaults faults;

    @BeforeEach
    void startSimulator() {
        // A high rate so that polling tests never meet the limit; the rate-limit test lowers it.
        requests = new RequestLog();
        faults = new SimulatorFaults();
        simulator = new TasksApiSimulator(TOKEN).maxRequestsPerSecond(10_000).hook(requests.andThen(faults)).start();
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    // ---------------------------------------------------------------- helpers

    HttpResponse<String> post(String body) {
        return post(TasksApiSimulator.PATH, BEARER, body);
    }

    HttpResponse<String> post(String path, String authorization, String body) {
        return send(request(path, authorization, body));
    }

    HttpRequest request(String path, String authorization, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            builder.header("authorization", authorization);
        }
        return builder.build();
    }

    URI uri(String path) {
        return URI.create(simulator.baseUrl() + path);
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode dataOf(SimulatedTask task) {
        return ok(post("{\"id\":\"" + task.id() + "\"}")).path("response").path("data");
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        return parse(response.body());
    }

    /** Asserts the vendor's error shape {"error":{"code","message"},"trace_id"} and returns the body. */
    static JsonNode assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = parse(response.body());
        assertEquals(code, body.path("error").path("code").asText(), response.body());
        assertFalse(body.path("error").path("message").asText().isEmpty());
        assertNotNull(UUID.fromString(body.path("trace_id").asText()));
        assertFalse(body.has("success"), "error bodies carry no success field");
        return body;
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Repeats {@code attempt} until its result satisfies {@code done}, or fails at the deadline. */
    static <T> T pollUntil(Supplier<T> attempt, Predicate<T> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            T result = attempt.get();
            if (done.test(result)) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + DEADLINE + "; last: " + result);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    static void awaitUntil(BooleanSupplier condition) {
        pollUntil(condition::getAsBoolean, Boolean::booleanValue);
    }
}
