package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator edits a route: a copy of {@code routes/} with one more step in {@code publish-video} (a header of
 * their own on every output record), and the same built jar, run from that folder, runs the edited route — no
 * rebuild, no Java.
 */
@ExtendWith(KafkaBroker.class)
class OperatorEditIT {

    private static final Duration START = Duration.ofSeconds(90);
    /** The step the operator adds, as they would write it, right at the start of publish-video's steps. */
    private static final String EXTRA_STEP = """
                    - setHeader:
                        name: x-operator-note
                        expression:
                          constant:
                            expression: edited-by-operator
            """;

    @Test
    void theJarRunsAnEditedRouteFromTheRoutesFolderBesideIt(@TempDir Path workDir) throws Exception {
        copyRoutesWithAnExtraStepInPublishVideo(workDir.resolve("routes"));
        String prefix = KafkaTestClient.uniqueName("edit");
        try (TasksApiSimulator api = new TasksApiSimulator(Canary.TOKEN).start();
             KafkaTestClient kafka = new KafkaTestClient(KafkaBroker.bootstrapServers())) {
            kafka.createTopic(prefix + ".input", 1);
            SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(200)));
            Map<String, String> env = Map.of(
                    "CAMEL_COMPONENT_KAFKA_BROKERS", KafkaBroker.bootstrapServers(),
                    "DREAMINA_API_BASE_URL", api.baseUrl(),
                    "DREAMINA_API_TOKEN", Canary.TOKEN,
                    "DREAMINA_TOPIC_INPUT", prefix + ".input",
                    "DREAMINA_TOPIC_OUTPUT", prefix + ".output",
                    "DREAMINA_TOPIC_DEAD_LETTER", prefix + ".dead",
                    "DREAMINA_TOPIC_PENDING", prefix + ".pending",
                    "DREAMINA_CONSUMER_GROUP", prefix + ".group",
                    "DREAMINA_POLL_INTERVAL", "300ms");

            try (BridgeProcess bridge = BridgeProcess.start(workDir, env)) {
                bridge.awaitStarted(START);
                kafka.send(prefix + ".input", null, task.id().getBytes(StandardCharsets.UTF_8));

                ConsumerRecord<String, byte[]> output = kafka.awaitRecords(prefix + ".output", 1, START).get(0);
                assertEquals(task.id(), output.key());
                assertEquals("done", header(output, "dreamina.status"));
                assertEquals("edited-by-operator", header(output, "x-operator-note"),
                        "the operator's step ran: the output record carries its header");

                int exit = bridge.terminate(Duration.ofSeconds(60));
                assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            }
        }
    }

    /** Copies every route of the project, and inserts {@link #EXTRA_STEP} as publish-video's first step. */
    private static void copyRoutesWithAnExtraStepInPublishVideo(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(route, target.resolve(route.getFileName()));
            }
        }
        Path publish = target.resolve("publish-video.camel.yaml");
        String yaml = Files.readString(publish, StandardCharsets.UTF_8);
        String anchor = "      uri: direct:publish-video\n      steps:\n";
        assertTrue(yaml.contains(anchor), "publish-video no longer starts as this test expects:\n" + yaml);
        Files.writeString(publish, yaml.replace(anchor, anchor + EXTRA_STEP), StandardCharsets.UTF_8);
    }
}
