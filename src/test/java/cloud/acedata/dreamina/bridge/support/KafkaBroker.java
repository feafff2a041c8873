package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.local.RestartableKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Kafka broker for the whole test JVM, shared by every class annotated
 * {@code @ExtendWith(KafkaBroker.class)}.
 *
 * <p>The broker is started by the first such class and kept in the root extension store, which JUnit closes
 * (and with it the broker) when the test run ends. Not a shutdown hook: that races the deletion of Kafka's
 * temporary files. Tests share the broker, so each should use its own topics and group ids
 * ({@link KafkaTestClient#uniqueName(String)}).
 */
public final class KafkaBroker implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.GLOBAL;

    private static volatile RestartableKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store lives as long as the test run and closes AutoCloseable values at its end.
        kafka = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(RestartableKafka.class, key -> RestartableKafka.start(), RestartableKafka.class);
    }

    /** {@code bootstrap.servers} of the shared broker. */
    public static String bootstrapServers() {
        return embedded().bootstrapServers();
    }

    /**
     * The shared broker itself, for outage tests ({@link RestartableKafka#stopBroker()}). Such a test must call
     * {@link RestartableKafka#restartBroker()} in a {@code finally}: the classes that run after it use the same broker.
     */
    public static RestartableKafka embedded() {
        RestartableKafka current = kafka;
        if (current == null) {
            throw new IllegalStateException("No broker: annotate the test class with @ExtendWith(KafkaBroker.class)");
        }
        return current;
    }
}
