package cloud.acedata.dreamina.bridge.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sends task ids and reads record keys on a broker that wants TLS or SASL: the given client settings each time. */
public final class SecuredKafkaClient {

    private final Map<String, Object> security;

    /** @param security bootstrap servers and the security settings of every client */
    public SecuredKafkaClient(Map<String, Object> security) {
        this.security = Map.copyOf(security);
    }

    /** One record per id, the id as key and value; each acknowledged. */
    public void send(String topic, List<String> ids) throws Exception {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            for (String id : ids) {
                producer.send(new ProducerRecord<>(topic, id, id.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    /** The keys on {@code topic} once at least {@code expected} arrived, failing after {@code deadline}. */
    public List<String> read(String topic, int expected, Duration deadline) {
        List<String> keys = readFor(topic, expected, deadline);
        assertTrue(keys.size() >= expected, () -> expected + " records on " + topic + ", got " + keys);
        return keys;
    }

    /** The keys on {@code topic} once {@code expected} arrived (0: all that come) or {@code wait} passed. */
    public List<String> readFor(String topic, int expected, Duration wait) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaTestClient.uniqueName("check"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // As a consumer of the output must read under exactly-once: an aborted write is never seen.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < end && (expected == 0 || keys.size() < expected)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(record.key());
                }
            }
        }
        return keys;
    }
}
