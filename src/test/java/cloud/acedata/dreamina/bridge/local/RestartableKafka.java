package cloud.acedata.dreamina.bridge.local;

import java.util.Map;

import kafka.server.KafkaRaftServer;

/**
 * The embedded single-node Kafka of {@link EmbeddedKafka}, plus an outage on demand: {@link #stopBroker()} and
 * {@link #restartBroker()} on the same port, data kept. For tests only (broker outage, readiness); local mode never
 * restarts its broker, so this stays out of the application's jar.
 *
 * <p>Built on {@link EmbeddedKafka}'s node (same formatter, same configuration, same readiness wait) rather than on
 * Kafka's test kit: a restart there is just "shut the node down, run it again on its formatted directory", a
 * plain Kafka restart. The whole node (broker and controller) goes down, as a single-node Kafka does in real
 * life; the controller's record of the cleanly stopped broker is fenced, so the broker registers again at once.
 * In this package because it reuses the node's package-private lifecycle.
 */
public final class RestartableKafka implements AutoCloseable {

    private final EmbeddedKafka.Node node;
    private KafkaRaftServer server;
    private boolean closed;

    private RestartableKafka(EmbeddedKafka.Node node, KafkaRaftServer server) {
        this.node = node;
        this.server = server;
    }

    /** Starts a single-node cluster with {@link EmbeddedKafka#defaultBrokerConfig()} and waits until it is ready. */
    public static RestartableKafka start() {
        return start(Map.of());
    }

    /** Starts a single-node cluster with these settings over the defaults and waits until it is ready. */
    public static RestartableKafka start(Map<String, String> brokerOverrides) {
        EmbeddedKafka.Node node = EmbeddedKafka.Node.format(brokerOverrides);
        try {
            return new RestartableKafka(node, node.run());
        } catch (RuntimeException e) {
            node.deleteData(e);
            throw e;
        }
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. Unchanged by a restart. */
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /**
     * Shuts the node down in place (an outage as clients see it): its port stops accepting connections. The data
     * stays, so {@link #restartBroker()} brings back the same topics and offsets.
     */
    public synchronized void stopBroker() {
        requireOpen();
        if (server != null) {
            KafkaRaftServer running = server;
            server = null;
            EmbeddedKafka.Node.halt(running);
        }
    }

    /** Starts the node stopped by {@link #stopBroker()} on the same ports and waits until it is ready again. */
    public synchronized void restartBroker() {
        requireOpen();
        if (server == null) {
            server = node.run();
        }
    }

    /** Whether the broker is accepting clients (false between stopBroker and restartBroker, and after close). */
    public synchronized boolean isBrokerRunning() {
        return server != null && !closed;
    }

    /** Shuts the node down and deletes its data. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (server != null) {
            try {
                EmbeddedKafka.Node.halt(server);
            } catch (RuntimeException e) {
                failure = e;
            }
            server = null;
        }
        node.deleteData(failure);
        if (failure != null) {
            throw new IllegalStateException("Embedded Kafka did not shut down cleanly", failure);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Embedded Kafka is closed");
        }
    }
}
