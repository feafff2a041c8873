package cloud.acedata.dreamina.bridge.kafka;

import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer against a real broker: a topic that refuses some records of a batch and accepts the others. */
@ExtendWith(KafkaBroker.class)
class RecordBatchWriterIT {

    private static KafkaTestClient kafka;
    private static Producer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = KafkaTestClient.ofSharedBroker();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // As the bridge's own writer is configured (KafkaClients.producerProperties): one request in flight.
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(5));
        kafka.close();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, int valueBytes) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), "v".repeat(valueBytes)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyRecordIsAcknowledgedOnce() {
        String topic = KafkaTestClient.uniqueName("writer-ok");
        kafka.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(record(topic, "k" + i, 20));
        }

        BatchWrite write = new RecordBatchWriter(producer).writeAll(records);

        assertTrue(write.allWritten());
        assertEquals(-1, write.firstFailed());
        assertEquals(0, write.failedCount());
        assertEquals(200, write.size());
        assertEquals(200, kafka.readAll(topic, Duration.ofMillis(300)).size());
    }

    @Test
    void recordsTheTopicRefusesAreReportedByIndexAndTheOthersAreWritten() throws Exception {
        String topic = KafkaTestClient.uniqueName("writer-refuses");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1000")))).all().get(30, TimeUnit.SECONDS);
        }
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                record(topic, "a", 10), record(topic, "big-1", 5_000), record(topic, "b", 10),
                record(topic, "big-2", 5_000), record(topic, "c", 10));

        BatchWrite write = new RecordBatchWriter(producer).writeAll(records);

        assertFalse(write.allWritten());
        assertEquals(1, write.firstFailed());
        assertEquals(2, write.failedCount());
        assertTrue(write.written(0));
        assertTrue(write.written(2));
        assertTrue(write.written(4));
        assertNull(write.failure(0));
        assertInstanceOf(RecordTooLargeException.class, write.failure(1));
        assertInstanceOf(RecordTooLargeException.class, write.failure(3));
        List<String> keys = kafka.readAll(topic, Duration.ofMillis(300)).stream().map(ConsumerRecord::key).toList();
        assertEquals(List.of("a", "b", "c"), keys, "the accepted records, once each, in order");
    }

    @Test
    void anEmptyListWritesNothing() {
        BatchWrite write = new RecordBatchWriter(producer).writeAll(List.of());
        assertTrue(write.allWritten());
        assertEquals(0, write.size());
    }
}
