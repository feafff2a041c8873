package cloud.acedata.dreamina.bridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The bridge's management port as an orchestrator or Prometheus reads it: plain HTTP GETs on localhost. */
public final class ManagementPort {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    public ManagementPort(int port) {
        this.port = port;
    }

    /** One answer: its status and body; health answers are JSON. */
    public record Answer(int status, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** One check of a health answer, by name. */
        public JsonNode check(String name) {
            for (JsonNode check : json().path("checks")) {
                if (name.equals(check.path("name").asText())) {
                    return check;
                }
            }
            throw new AssertionError("no check " + name + " in " + body);
        }

        public boolean isDown(String check) {
            return "DOWN".equals(check(check).path("status").asText());
        }
    }

    /** GET {@code path} (e.g. {@code /observe/health/ready}), answered within 10 s. */
    public Answer get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
