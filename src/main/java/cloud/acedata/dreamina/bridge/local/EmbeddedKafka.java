package cloud.acedata.dreamina.bridge.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (KRaft, one node acting as broker and controller) running inside this JVM, for the
 * application's local mode (no broker configured) and for the tests.
 *
 * <p>Started with Kafka's own server classes, the way {@code kafka-storage format} and {@code kafka-server-start}
 * do it: the storage {@link Formatter} writes a fresh cluster id and the bootstrap metadata, then a
 * {@link KafkaRaftServer} runs the node. Not Kafka's test kit: it would put JUnit and test-only classes into the
 * application's jar. The data lives in a fresh temporary directory that {@link #close()} deletes.
 *
 * <p>The broker and controller listen on {@code localhost}, each on a free port picked at start.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** How long a start may take before it counts as failed (about 2 s on a quiet machine). */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Another process may take a port between the moment it is picked and the moment Kafka binds it. */
    private static final int START_ATTEMPTS = 3;

    private final Node node;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Node node, KafkaRaftServer server) {
        this.node = node;
        this.server = server;
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
        for (int attempt = 1; ; attempt++) {
            Node node = Node.format(brokerOverrides);
            try {
                return new EmbeddedKafka(node, node.run());
            } catch (RuntimeException e) {
                node.deleteData(e);
                if (attempt >= START_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
                LOG.debug("Embedded Kafka: a picked port was taken before the broker bound it; trying new ports", e);
            }
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
        // The log cleaner's offset map takes 128 MB of heap by default, for compacted topics (__consumer_offsets
        // here) that stay tiny: 2 MB, as Kafka's own test kit sets it. The benchmark's 100,000-task run showed the
        // difference: 270 MB of live heap for the whole JVM without this line.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return config;
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** Shuts the broker and controller down and deletes their data. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            Node.halt(server);
        } catch (RuntimeException e) {
            failure = e;
        }
        node.deleteData(failure);
        if (failure != null) {
            throw new IllegalStateException("Embedded Kafka did not shut down cleanly", failure);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /**
     * One formatted node: its data directory, ports and complete configuration. Package-private so that a test
     * broker can stop a node and run it again on the same data and ports; the application never does.
     */
    record Node(Path directory, int brokerPort, Map<String, String> config) {

        /** Picks the ports, writes the configuration and formats a fresh data directory. */
        static Node format(Map<String, String> brokerOverrides) {
            Path directory = createDataDirectory();
            try {
                int[] ports = freePorts(2);
                int brokerPort = ports[0];
                int controllerPort = ports[1];
                Map<String, String> config = defaultBrokerConfig();
                config.putAll(brokerOverrides);
                config.putAll(nodeConfig(directory, brokerPort, controllerPort));
                Node node = new Node(directory, brokerPort, Map.copyOf(config));
                node.writeStorage();
                return node;
            } catch (RuntimeException e) {
                deleteRecursively(directory, e);
                throw e;
            }
        }

        /** {@code host:port} of the broker listener. */
        String bootstrapServers() {
            return "localhost:" + brokerPort;
        }

        /**
         * Starts the node on its (already formatted) data and waits until clients can create topics, produce and
         * consume. The node is shut down again if it does not get there.
         */
        KafkaRaftServer run() {
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            try {
                // Returns once the controller has elected itself and the broker has caught up with the metadata.
                server.startup();
                awaitBrokerListed();
                return server;
            } catch (RuntimeException e) {
                try {
                    halt(server);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /** Shuts a node down (broker first, then the controller) and waits until it has released its ports. */
        static void halt(KafkaRaftServer server) {
            server.shutdown();
            server.awaitShutdown();
        }

        /** Deletes the data directory; a failure is added to {@code cause} when there is one, else logged. */
        void deleteData(Throwable cause) {
            deleteRecursively(directory, cause);
        }

        /**
         * The listeners and storage of a combined node with a static one-voter quorum: the controller needs no
         * election partner and elects itself at once.
         */
        private static Map<String, String> nodeConfig(Path directory, int brokerPort, int controllerPort) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("process.roles", "broker,controller");
            config.put("node.id", String.valueOf(NODE_ID));
            config.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
            config.put("controller.listener.names", CONTROLLER_LISTENER);
            config.put("inter.broker.listener.name", BROKER_LISTENER);
            config.put("listeners", BROKER_LISTENER + "://localhost:" + brokerPort + ","
                    + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
            config.put("advertised.listeners", BROKER_LISTENER + "://localhost:" + brokerPort);
            config.put("listener.security.protocol.map",
                    BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            config.put("log.dirs", directory.resolve("data").toString());
            return config;
        }

        /** What {@code kafka-storage format} does: meta.properties and the bootstrap metadata. */
        private void writeStorage() {
            // The formatter reports what it wrote on a PrintStream (System.out by default): kept for the debug log.
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
                String logDirectory = config.get("log.dirs");
                new Formatter()
                        .setPrintStream(out)
                        .setNodeId(NODE_ID)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDirectory))
                        .setMetadataLogDirectory(logDirectory)
                        .setControllerListenerName(CONTROLLER_LISTENER)
                        .run();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot format the embedded Kafka storage in " + directory, e);
            }
            LOG.debug("Embedded Kafka storage formatted: {}", report.toString(StandardCharsets.UTF_8).trim());
        }

        /**
         * The broker lists itself in its cluster metadata only once the controller has unfenced it: from then on
         * it takes topic creations, produce and fetch requests.
         */
        private void awaitBrokerListed() {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
                while (true) {
                    try {
                        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException notYet) {
                        // Not reachable or not unfenced yet: asked again until the deadline.
                    }
                    if (System.nanoTime() >= deadline) {
                        throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers()
                                + " was not ready within " + READY_TIMEOUT.toSeconds() + " s");
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
            }
        }

        /** Free ports on the loopback interface, distinct: all are held open until every one is picked. */
        private static int[] freePorts(int count) {
            ServerSocket[] sockets = new ServerSocket[count];
            try {
                int[] ports = new int[count];
                for (int i = 0; i < count; i++) {
                    sockets[i] = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                    ports[i] = sockets[i].getLocalPort();
                }
                return ports;
            } catch (IOException e) {
                throw new UncheckedIOException("No free port for embedded Kafka", e);
            } finally {
                for (ServerSocket socket : sockets) {
                    if (socket != null) {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // Closing a socket that only reserved a number: nothing to do.
                        }
                    }
                }
            }
        }

        private static Path createDataDirectory() {
            try {
                return Files.createTempDirectory("embedded-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a data directory for embedded Kafka", e);
            }
        }

        private static void deleteRecursively(Path directory, Throwable cause) {
            if (!Files.exists(directory)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else {
                    LOG.warn("Embedded Kafka: could not delete its data directory {}", directory, e);
                }
            }
        }
    }
}
