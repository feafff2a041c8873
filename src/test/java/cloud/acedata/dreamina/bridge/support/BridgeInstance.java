package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.DreaminaBridgeApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bridge, in the test's JVM, exactly as the jar builds it (routes from routes/, config/application.properties),
 * with only the test's differences given as override properties: the broker, the API URL and token, topics.
 */
public final class BridgeInstance implements AutoCloseable {

    private final Main main;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private BridgeInstance(Map<String, String> overrides) {
        main = DreaminaBridgeApplication.newMain();
        // Several bridges of one test JVM are several instances: each its own transactional ids (a shared HOSTNAME
        // would make them fence each other).
        main.addOverrideProperty("dreamina.instance.id", "in-process-" + INSTANCES.incrementAndGet());
        overrides.forEach(main::addOverrideProperty);
    }

    public static BridgeInstance start(Map<String, String> overrides) throws Exception {
        BridgeInstance bridge = new BridgeInstance(overrides);
        bridge.main.start();
        return bridge;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }

    /** The settings every test shares; each test adds its own topics and API. */
    public static Map<String, String> baseSettings(String bootstrapServers, String apiBaseUrl, String token,
                                                   TestTopics topics) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.component.kafka.brokers", bootstrapServers);
        settings.put("dreamina.api.base-url", apiBaseUrl);
        settings.put("dreamina.api.token", token);
        settings.put("dreamina.topic.input", topics.in());
        settings.put("dreamina.topic.output", topics.out());
        settings.put("dreamina.topic.dead-letter", topics.dlq());
        settings.put("dreamina.topic.pending", topics.pending());
        settings.put("dreamina.topic.pending.partitions", "3");
        settings.put("dreamina.consumer.group", topics.group());
        settings.put("dreamina.poll.interval", "200ms");
        settings.put("dreamina.poll.max-wait", "30s");
        settings.put("dreamina.api.backoff.initial", "100ms");
        settings.put("dreamina.api.backoff.max", "400ms");
        settings.put("dreamina.api.backoff.jitter", "50ms");
        settings.put("dreamina.api.credential-recheck", "500ms");
        settings.put("dreamina.kafka.write-retry-delay-ms", "200");
        // Several bridges run at once (in this JVM and beside it): each takes a free management port.
        settings.put("dreamina.management.port", "0");
        return settings;
    }
}
