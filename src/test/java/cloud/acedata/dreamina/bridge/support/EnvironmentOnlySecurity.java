package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The jar on a secured broker with its Kafka security given as environment variables only, as a Kubernetes Secret
 * gives it: tasks must flow, which takes every client of the bridge — the admin that creates the pending topic, the
 * input consumers, the producers, the pending-topic consumer — and the lag probe's admin must read the pending group.
 */
public final class EnvironmentOnlySecurity {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private EnvironmentOnlySecurity() {
    }

    /**
     * @param brokers        the secured listener
     * @param clientSecurity the test's own client settings for that listener
     * @param securityEnv    the {@code CAMEL_COMPONENT_KAFKA_*} variables under test
     */
    public static void assertTasksFlow(String brokers, Map<String, Object> clientSecurity,
                                       Map<String, String> securityEnv, TasksApiSimulator api, Path workDir,
                                       String topicPrefix) throws Exception {
        TestTopics topics = TestTopics.unique(topicPrefix);
        try (Admin admin = Admin.create(clientSecurity)) {
            admin.createTopics(List.of(new NewTopic(topics.in(), 2, (short) 1), new NewTopic(topics.out(), 1,
                    (short) 1), new NewTopic(topics.dlq(), 1, (short) 1))).all().get();
        }
        List<String> ids = List.of(api.createTask(TaskScript.done(Duration.ofMillis(200))),
                api.createTask(TaskScript.done(Duration.ofMillis(200)))).stream().map(SimulatedTask::id).toList();
        Map<String, String> env = BridgeProcess.connectedEnvironment(brokers, api.baseUrl(), Canary.TOKEN, topics);
        env.putAll(securityEnv);
        env.put("DREAMINA_POLL_INTERVAL", "300ms");
        env.put("DREAMINA_HEALTH_KAFKA_PROBE_INTERVAL", "300ms");
        env.put("DREAMINA_LOG_PROGRESS_INTERVAL", "1s");
        SecuredKafkaClient kafka = new SecuredKafkaClient(clientSecurity);
        try (BridgeProcess bridge = BridgeProcess.start(workDir, env)) {
            bridge.awaitStarted(DEADLINE);
            kafka.send(topics.in(), ids);
            assertEquals(Set.copyOf(ids), Set.copyOf(kafka.read(topics.out(), ids.size(), DEADLINE)),
                    "published through the secured listener");
            // The lag probe's admin client gets through too: the pending group's lag is read, 0 in flight.
            bridge.awaitLog(Pattern.compile("in flight 0, published 2"), 1, DEADLINE);
        }
    }
}
