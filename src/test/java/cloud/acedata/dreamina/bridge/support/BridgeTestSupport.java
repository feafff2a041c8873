package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.simulator.RequestLog;
import cloud.acedata.dreamina.bridge.simulator.SimulatorFaults;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The bench of an end-to-end test, set up the same way for every class that extends it (as Camel's
 * {@code CamelTestSupport} is for route tests): the shared in-process broker ({@link KafkaBroker}), a fresh Tasks
 * API simulator for each test with its request log and fault injection plugged in, a Kafka client, topics and a
 * consumer group no other test uses, and the bridge's settings pointing at all of them. Whatever a test starts
 * through {@link #own} or {@link #startBridge} is closed after it, last started first.
 */
@ExtendWith(KafkaBroker.class)
public abstract class BridgeTestSupport {

    /** The API token of the tests: a canary the token checks look for in logs, records and headers. */
    protected static final String TOKEN = Canary.TOKEN;

    protected final RequestLog apiLog = new RequestLog();
    protected final SimulatorFaults apiFaults = new SimulatorFaults();
    protected TasksApiSimulator api;
    protected KafkaTestClient kafka;
    protected TestTopics topics;
    /** The bridge's settings for this test: the broker, the simulator, the token and the topics; tests add theirs. */
    protected Map<String, String> settings;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** The first part of this class's topic and group names (a random part follows). */
    protected abstract String topicPrefix();

    /**
     * Whether each test starts with its input (3 partitions), output (3) and dead-letter (1) topics created; a class
     * that creates them its own way (other configurations, another broker) says false.
     */
    protected boolean createsTopics() {
        return true;
    }

    @BeforeEach
    final void setUpBench() {
        topics = TestTopics.unique(topicPrefix());
        api = own(new TasksApiSimulator(TOKEN).hook(apiLog.andThen(apiFaults)).start());
        kafka = own(KafkaTestClient.ofSharedBroker());
        settings = BridgeInstance.baseSettings(KafkaBroker.bootstrapServers(), api.baseUrl(), TOKEN, topics);
        if (createsTopics()) {
            kafka.createTopic(topics.in(), 3);
            kafka.createTopic(topics.out(), 3);
            kafka.createTopic(topics.dlq(), 1);
        }
    }

    /** Closes what the test started, last first; every one is closed even when one fails. */
    @AfterEach
    final void closeBench() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closed after the test (before what was owned earlier). */
    protected final <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** A bridge in this JVM with {@code overrides} (a copy is taken), closed after the test. */
    protected final BridgeInstance startBridge(Map<String, String> overrides) throws Exception {
        return own(BridgeInstance.start(new HashMap<>(overrides)));
    }
}
