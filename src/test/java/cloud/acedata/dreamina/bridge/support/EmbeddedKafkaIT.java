package cloud.acedata.dreamina.bridge.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.local.RestartableKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded broker and the test helpers, against a real broker. */
@ExtendWith(KafkaBroker.class)
class EmbeddedKafkaIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = KafkaTestClient.ofSharedBroker();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void recordsRoundTripWithKeyValueAndHeaders() {
        String topic = KafkaTestClient.uniqueName("round-trip");
        kafka.createTopic(topic, 2);

        kafka.send(topic, "task-1", bytes("{\"prompt\":\"a cat\"}"), Map.of("traceparent", "00-abc-01", "attempt", "2"));
        kafka.send(topic, "task-2", bytes("second"));

        List<ConsumerRecord<String, byte[]>> records = kafka.awaitRecords(topic, 2, DEADLINE);
        ConsumerRecord<String, byte[]> first = records.stream().filter(r -> "task-1".equals(r.key())).findFirst().orElseThrow();
        assertArrayEquals(bytes("{\"prompt\":\"a cat\"}"), first.value());
        assertEquals("00-abc-01", KafkaTestClient.header(first, "traceparent"));
        assertEquals("2", KafkaTestClient.header(first, "attempt"));
        assertNull(KafkaTestClient.header(first, "absent"));

        // Nothing else turns up once the topic has gone quiet.
        assertEquals(2, kafka.readAll(topic, Duration.ofMillis(300)).size());
    }

    @Test
    void awaitRecordsFailsListingWhatArrived() {
        String topic = KafkaTestClient.uniqueName("too-few");
        kafka.createTopic(topic, 1);
        kafka.send(topic, "only", bytes("one"));

        AssertionError failure = assertThrows(AssertionError.class,
                () -> kafka.awaitRecords(topic, 2, Duration.ofMillis(500)));
        assertTrue(failure.getMessage().contains("got 1") && failure.getMessage().contains("key=only value=one"),
                failure.getMessage());
    }

    @Test
    void topicsCreatedOnFirstUseGetThreePartitions() {
        String topic = KafkaTestClient.uniqueName("auto-created");

        kafka.send(topic, "k", bytes("v"));

        assertEquals(3, kafka.partitionCount(topic));
        assertEquals(1, kafka.awaitRecords(topic, 1, DEADLINE).size());
    }

    @Test
    void readAllOfAMissingTopicIsEmptyAndDoesNotCreateIt() {
        String topic = KafkaTestClient.uniqueName("never-written");

        assertTrue(kafka.readAll(topic, Duration.ofMillis(300)).isEmpty());
        assertFalse(kafka.topicExists(topic));
    }

    @Test
    void committedOffsetAndLagFollowTheGroupsCommits() {
        String topic = KafkaTestClient.uniqueName("offsets");
        String group = KafkaTestClient.uniqueName("group");
        kafka.createTopic(topic, 2);
        for (int i = 0; i < 5; i++) {
            kafka.send(topic, "key-" + i, bytes("value-" + i));
        }
        assertEquals(0, kafka.committedOffset(group, topic));
        assertEquals(5, kafka.lag(group, topic));

        try (KafkaConsumer<String, byte[]> consumer = groupConsumer(group)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Consume all five, then commit the position reached on each partition.
            within(DEADLINE).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100));
                assertTrue(partitions.stream().mapToLong(consumer::position).sum() == 5,
                        () -> "the consumer to reach offset 5 over " + partitions);
            });
            consumer.commitSync();

            assertEquals(5, kafka.committedOffset(group, topic));
            assertEquals(0, kafka.lag(group, topic));
            assertEquals(kafka.endOffsets(topic), kafka.committedOffsets(group, topic));

            kafka.send(topic, "key-5", bytes("value-5"));
            kafka.send(topic, "key-6", bytes("value-6"));
            assertEquals(2, kafka.lag(group, topic));

            // Committing one step back on partition 0 only: lag counts per partition.
            long position0 = consumer.position(partitions.get(0));
            consumer.commitSync(Map.of(partitions.get(0), new OffsetAndMetadata(position0 - 1)));
            assertEquals(4, kafka.committedOffset(group, topic));
            assertEquals(3, kafka.lag(group, topic));
        }
    }

    @Test
    void theApplicationsBrokerAppliesOverridesServesClientsAndReleasesItsPortOnClose() throws Exception {
        // Local mode's broker (src/main), not the restartable test broker the other tests share.
        EmbeddedKafka broker = EmbeddedKafka.start(Map.of("message.max.bytes", "2000000"));
        String bootstrapServers = broker.bootstrapServers();
        try (KafkaTestClient client = new KafkaTestClient(bootstrapServers)) {
            assertEquals("2000000", brokerConfig(bootstrapServers, "message.max.bytes"));
            String topic = KafkaTestClient.uniqueName("local-mode");
            client.send(topic, "k", bytes("v")); // auto-created, as local mode relies on
            assertEquals(3, client.partitionCount(topic));
            assertEquals(1, client.awaitRecords(topic, 1, DEADLINE).size());
        } finally {
            broker.close();
        }
        assertFalse(accepts(bootstrapServers), "the broker port still accepts connections after close");
        broker.close(); // a second close is harmless
    }

    /**
     * Issue 13, item 6: local mode runs exactly-once, so its one-node broker must run transactions (the transaction
     * log with replication factor 1 and min ISR 1). A committed transaction is read by a read_committed consumer, an
     * aborted one only by a read_uncommitted consumer.
     */
    @Test
    void theApplicationsBrokerRunsTransactionsOnOneNode() throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(Map.of());
        try (KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestClient.uniqueName("local-txn"),
                     ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000), new StringSerializer(),
                     new ByteArraySerializer())) {
            String topic = KafkaTestClient.uniqueName("local-txn");
            client.createTopic(topic, 1);
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted", bytes("a"))).get(); // in the log, then aborted
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed", bytes("c")));
            producer.commitTransaction();

            assertEquals(List.of("committed"), keys(broker.bootstrapServers(), topic, "read_committed", 1));
            assertEquals(List.of("aborted", "committed"),
                    keys(broker.bootstrapServers(), topic, "read_uncommitted", 2));
        } finally {
            broker.close();
        }
    }

    /** The keys of partition 0 of {@code topic}, read from the start with {@code isolation} until {@code count} came. */
    private static List<String> keys(String bootstrapServers, String topic, String isolation, int count) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            within(DEADLINE).alias(count + " records read " + isolation).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> keys.add(record.key()));
                return keys.size() >= count;
            });
            consumer.poll(Duration.ofMillis(300)).forEach(record -> keys.add(record.key()));
        }
        return keys;
    }

    @Test
    void aRecordProducedBeforeABrokerOutageIsReadableAfterTheRestart() throws Exception {
        // Its own broker, so the outage does not disturb other tests; also shows broker overrides applied.
        try (RestartableKafka broker = RestartableKafka.start(Map.of("auto.create.topics.enable", "false"));
             KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers())) {
            assertEquals("false", brokerConfig(broker.bootstrapServers(), "auto.create.topics.enable"));
            String topic = KafkaTestClient.uniqueName("outage");
            client.createTopic(topic, 1);
            client.send(topic, "before", bytes("sent before the outage"));

            broker.stopBroker();
            assertFalse(broker.isBrokerRunning());
            assertFalse(accepts(broker.bootstrapServers()), "the broker port still accepts connections");

            broker.restartBroker();
            assertTrue(accepts(broker.bootstrapServers()));
            // The same producer and admin, created before the outage, reconnect to the same address.
            client.send(topic, "after", bytes("sent after the restart"));

            List<ConsumerRecord<String, byte[]>> records = client.awaitRecords(topic, 2, DEADLINE);
            assertEquals(List.of("before", "after"), records.stream().map(ConsumerRecord::key).toList());
            assertEquals("sent before the outage", new String(records.get(0).value(), StandardCharsets.UTF_8));
        }
    }

    private KafkaConsumer<String, byte[]> groupConsumer(String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String brokerConfig(String bootstrapServers, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            String brokerId = admin.describeCluster().nodes().get().iterator().next().idString();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
        }
    }

    /** Whether something accepts TCP connections at {@code host:port}. */
    private static boolean accepts(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostAndPort.substring(0, colon),
                Integer.parseInt(hostAndPort.substring(colon + 1)));
        try (Socket socket = new Socket()) {
            socket.connect(address, 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
