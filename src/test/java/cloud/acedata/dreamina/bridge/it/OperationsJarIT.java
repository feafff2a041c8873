package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.ManagementPort;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    @Test
    void inLocalModeTheManagementPortShowsMetricsAndUpHealth(@TempDir Path emptyDir) throws Exception {
        int port = freePort();
        ManagementPort management = new ManagementPort(port);
        try (BridgeProcess bridge = BridgeProcess.start(emptyDir, Map.of("DREAMINA_MANAGEMENT_PORT",
                String.valueOf(port)))) {
            bridge.awaitLog(Pattern.compile("LOCAL MODE"), 1, START);
            bridge.awaitLog(Pattern.compile("Task [0-9a-f-]{36} done: "), 4, START);
            String metrics = within(START)
                    .alias("four published tasks in the metrics")
                    .until(() -> management.get("/observe/metrics").body(),
                            body -> body.contains("dreamina_tasks_published_total 4.0"));
            assertTrue(metrics.contains("dreamina_tasks_dead_lettered_total{code=\"invalid_input\"} 1.0"), metrics);
            assertTrue(metrics.contains("dreamina_tasks_dead_lettered_total{code=\"task_failed\"} 1.0"), metrics);
            ManagementPort.Answer ready = within(START)
                    .alias("ready")
                    .until(() -> management.get("/observe/health/ready"), a -> a.status() == 200);
            assertEquals("UP", ready.json().path("status").asText());
            ManagementPort.Answer live = management.get("/observe/health/live");
            assertEquals(200, live.status());
            assertEquals("UP", live.json().path("status").asText());
            int exit = bridge.terminate(Duration.ofSeconds(30));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
        }
    }

    @Test
    void jsonLogsAreOneObjectALineAndMaskTheToken() throws Exception {
        String token = Canary.TOKEN;
        TestTopics topics = TestTopics.unique("jsonlog");
        try (TasksApiSimulator api = new TasksApiSimulator(token).start();
             KafkaTestClient kafka = new KafkaTestClient(KafkaBroker.bootstrapServers())) {
            kafka.createTopic(topics.in(), 2);
            Map<String, String> env = BridgeProcess.connectedEnvironment(api.baseUrl(), token, topics);
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
                    kafka.send(topics.in(), null, task.id().getBytes(StandardCharsets.UTF_8));
                }
                kafka.awaitRecords(topics.out(), 3, START);
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

}
