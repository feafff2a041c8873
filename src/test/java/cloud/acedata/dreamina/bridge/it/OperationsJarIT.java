package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jar as an operator runs it: the management port in local mode, and JSON logs that still mask the token. */
@ExtendWith(KafkaBroker.class)
class OperationsJarIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void inLocalModeTheManagementPortShowsMetricsAndUpHealth(@TempDir Path emptyDir) throws Exception {
        int port = freePort();
        try (BridgeProcess bridge = BridgeProcess.start(emptyDir, Map.of("DREAMINA_MANAGEMENT_PORT",
                String.valueOf(port)))) {
            bridge.awaitLog(Pattern.compile("LOCAL MODE"), 1, START);
            bridge.awaitLog(Pattern.compile("Task [0-9a-f-]{36} done: "), 4, START);
            String metrics = within(START)
                    .alias("four published tasks in the metrics")
                    .until(() -> get(port, "/observe/metrics").body(),
                            body -> body.contains("dreamina_tasks_published_total 4.0"));
            assertTrue(metrics.contains("dreamina_tasks_dead_lettered_total{code=\"invalid_input\"} 1.0"), metrics);
            assertTrue(metrics.contains("dreamina_tasks_dead_lettered_total{code=\"task_failed\"} 1.0"), metrics);
            Answer ready = within(START)
                    .alias("ready")
                    .until(() -> get(port, "/observe/health/ready"), a -> a.status() == 200);
            assertEquals("UP", JSON.readTree(ready.body()).path("status").asText());
            Answer live = get(port, "/observe/health/live");
            assertEquals(200, live.status());
            assertEquals("UP", JSON.readTree(live.body()).path("status").asText());
            int exit = bridge.terminate(Duration.ofSeconds(30));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        }
    }

    @Test
    void jsonLogsAreOneObjectALineAndMaskTheToken() throws Exception {
        String token = Canary.TOKEN;
        String prefix = KafkaTestClient.uniqueName("jsonlog");
        try (TasksApiSimulator api = new TasksApiSimulator(token).start();
             KafkaTestClient kafka = new KafkaTestClient(KafkaBroker.bootstrapServers())) {
            kafka.createTopic(prefix + ".input", 2);
            Map<String, String> env = new HashMap<>();
            env.put("CAMEL_COMPONENT_KAFKA_BROKERS", KafkaBroker.bootstrapServers());
            env.put("DREAMINA_API_BASE_URL", api.baseUrl());
            env.put("DREAMINA_API_TOKEN", token);
            env.put("DREAMINA_TOPIC_INPUT", prefix + ".input");
            env.put("DREAMINA_TOPIC_OUTPUT", prefix + ".output");
            env.put("DREAMINA_TOPIC_DEAD_LETTER", prefix + ".dead");
            env.put("DREAMINA_TOPIC_PENDING", prefix + ".pending");
            env.put("DREAMINA_CONSUMER_GROUP", prefix + ".group");
            env.put("DREAMINA_POLL_INTERVAL", "300ms");
            env.put("DREAMINA_LOG_PROGRESS_INTERVAL", "1s");
            env.put("DREAMINA_LOG_FORMAT", "json");
            env.put("DREAMINA_LOG_LEVEL", "DEBUG");
            env.put("DREAMINA_HTTP_LOG_LEVEL", "DEBUG");
            List<SimulatedTask> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(200))));
            }
            try (BridgeProcess bridge = BridgeProcess.start(Path.of("").toAbsolutePath(), env)) {
                bridge.awaitStarted(START);
                for (SimulatedTask task : tasks) {
                    kafka.send(prefix + ".input", null, task.id().getBytes(StandardCharsets.UTF_8));
                }
                kafka.awaitRecords(prefix + ".output", 3, START);
                bridge.awaitLog(Pattern.compile("Progress: ingested 3 \\(invalid 0\\)"), 1, START);
                int exit = bridge.terminate(Duration.ofSeconds(30));
                assertTrue(exit == 0 || exit == 143, "exit code " + exit);

                String log = bridge.log();
                assertFalse(log.contains(token), () -> "the token appears in no log line, but: "
                        + log.lines().filter(line -> line.contains(token)).limit(5).toList());
                int objects = 0;
                boolean maskedHeader = false;
                for (String line : log.lines().filter(l -> !l.isBlank()).toList()) {
                    JsonNode event = parse(line);
                    assertTrue(event.hasNonNull("@timestamp") && event.hasNonNull("log.level")
                            && event.has("message"), line);
                    maskedHeader |= event.path("message").asText().contains("Bearer ****");
                    objects++;
                }
                assertTrue(objects > 50, "a JSON object per line, DEBUG: " + objects);
                assertTrue(maskedHeader, "HttpClient's header log ran, masked, in a JSON message");
            }
        }
    }

    record Answer(int status, String body) {
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON object: " + line, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Answer get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
