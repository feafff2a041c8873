package cloud.acedata.dreamina.bridge.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node Kafka cluster (KRaft, one process acting as broker and controller) running inside this JVM.
 *
 * <p>Used by the application's local mode (no broker configured) and by the tests. Built on Kafka's own test
 * kit, {@link KafkaClusterTestKit}, which is the supported way to run a broker in-process. The data lives in a
 * fresh temporary directory that {@link #close()} deletes.
 *
 * <p>The broker listens on {@code localhost} with a random free port, which stays the same across
 * {@link #stopBroker()} / {@link #restartBroker()}, so clients can reconnect to the address they already have.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Path dataDirectory;
    private boolean brokerRunning = true;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path dataDirectory) {
        this.cluster = cluster;
        this.dataDirectory = dataDirectory;
        // Read once while the broker is up: the test kit can only report the port of a running broker.
        this.bootstrapServers = cluster.bootstrapServers();
    }

    /** Starts a single-node cluster with the defaults of {@link #defaultBrokerConfig()} and waits until it is ready. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Starts a single-node cluster and waits until it is ready.
     *
     * @param brokerOverrides broker settings applied on top of {@link #defaultBrokerConfig()}, for example
     *                        {@code auto.create.topics.enable=false} or {@code message.max.bytes=...}
     */
    public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
        Map<String, String> config = defaultBrokerConfig();
        config.putAll(brokerOverrides);

        Path dataDirectory = createDataDirectory();
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    // Combined mode: one process is both the broker and the (only) KRaft controller.
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // Our own directory, not the kit's default: the kit's default registers a JVM shutdown hook
                    // that deletes the directory, which races a close() done from the application's own hook.
                    .setBaseDirectory(dataDirectory)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            config.forEach(builder::setConfigProp);
            cluster = builder.build();
            // Kafka's storage formatter prints two lines (bootstrap metadata, directory) to System.out; the kit
            // gives no way to redirect them.
            cluster.format();
            cluster.startup();
            // Returns once the controller has unfenced the broker and the broker's metadata cache knows itself:
            // from then on clients can create topics, produce and consume.
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, dataDirectory);
        } catch (Exception e) {
            if (cluster != null) {
                closeQuietly(cluster, e);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Embedded Kafka did not start (data in " + dataDirectory + ")", e);
        }
    }

    /**
     * The broker settings {@link #start()} uses: each one lets a single broker stand alone and start fast.
     * A fresh, modifiable map.
     */
    public static Map<String, String> defaultBrokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        // Producers and consumers may use a topic before anyone created it, as with a default broker.
        config.put("auto.create.topics.enable", "true");
        // Partitions of auto-created topics: more than one, so keyed ordering and multi-partition lag are real.
        config.put("num.partitions", "3");
        config.put("default.replication.factor", "1");
        // Internal topics default to replication factor 3, which one broker can never satisfy: consumer groups
        // (__consumer_offsets) and transactions (__transaction_state) would wait forever. One partition each
        // also keeps their creation and loading cheap.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // The group coordinator otherwise holds the first rebalance of a new group 3 s to let more members join.
        config.put("group.initial.rebalance.delay.ms", "0");
        return config;
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. Unchanged by a broker restart. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Shuts the broker down in place (an outage as clients see it): its port stops accepting connections. The
     * controller and the data stay, so {@link #restartBroker()} brings back the same topics and offsets.
     */
    public synchronized void stopBroker() {
        requireOpen();
        if (brokerRunning) {
            broker().shutdown();
            brokerRunning = false;
            forgetRegistration(brokerId());
        }
    }

    /** Starts the broker stopped by {@link #stopBroker()} on the same port and waits until it is ready again. */
    public synchronized void restartBroker() {
        requireOpen();
        if (brokerRunning) {
            return;
        }
        broker().startup();
        brokerRunning = true;
        try {
            cluster.waitForReadyBrokers();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Embedded Kafka broker did not become ready after a restart", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    /** Whether the broker is currently accepting clients (false between stopBroker and restartBroker, and after close). */
    public synchronized boolean isBrokerRunning() {
        return brokerRunning && !closed;
    }

    /** Shuts the broker and controller down and deletes their data. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        brokerRunning = false;
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Embedded Kafka did not shut down cleanly (data in " + dataDirectory + ")", e);
        }
    }

    /**
     * The controller keeps a stopped broker's registration until its session expires
     * ({@code broker.session.timeout.ms}, 9 s by default) and rejects a new registration of the same id until then:
     * a restart would take about 10 s. Unregistering the stopped broker lets it register again at once.
     */
    private void forgetRegistration(int brokerId) {
        // The broker is down, so ask the controller directly (bootstrap.controllers).
        try (Admin controller = cluster.admin(Map.of(), true)) {
            controller.unregisterBroker(brokerId).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while unregistering the stopped broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The controller did not unregister the stopped broker", e);
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().get(brokerId());
    }

    private int brokerId() {
        // Combined mode with one node: exactly one broker, whatever id the kit gave it.
        return cluster.brokers().keySet().iterator().next();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Embedded Kafka is closed");
        }
    }

    private static Path createDataDirectory() {
        try {
            return Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory for embedded Kafka", e);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Exception cause) {
        try {
            cluster.close();
        } catch (Exception suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
