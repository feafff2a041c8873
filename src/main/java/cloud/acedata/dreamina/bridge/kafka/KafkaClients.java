package cloud.acedata.dreamina.bridge.kafka;

import cloud.acedata.dreamina.bridge.delivery.RouteProducerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Properties;

/**
 * Client settings for the bridge's own Kafka clients (the pending-topic consumer and the admin that creates the
 * pending topic), taken from the {@code kafka} component's configuration — brokers, security, SASL, SSL and
 * {@code additionalProperties} — so an operator configures Kafka once, under {@code camel.component.kafka.*}.
 */
public final class KafkaClients {

    private final CamelContext context;

    public KafkaClients(CamelContext context) {
        this.context = context;
    }

    /**
     * The pending-topic consumer's settings; {@code readCommitted} under exactly-once: it never reads a task written
     * back by a transaction that was aborted.
     */
    public Properties pendingConsumer(String groupId, int maxPollRecords, boolean readCommitted) {
        Properties properties = pendingConsumer(groupId, maxPollRecords);
        if (readCommitted) {
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return properties;
    }

    public Properties pendingConsumer(String groupId, int maxPollRecords) {
        KafkaConfiguration configuration = componentConfiguration();
        Properties properties = configuration.createConsumerProperties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Offsets move only after a batch's outcomes were acknowledged, and a new group loses nothing.
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + ProcessHandle.current().pid());
        return properties;
    }

    /**
     * A producer of raw records (byte[] key and value) with every producer setting of the component (acks=all,
     * idempotence, linger, security…), made by the component's client factory when it has one.
     */
    public Producer<byte[], byte[]> producer() {
        return producer(producerProperties());
    }

    /**
     * A transactional producer of raw records, with the component's producer settings: {@code transactionalId}, and
     * {@code transactionTimeout} as {@code transaction.timeout.ms}.
     */
    public Producer<byte[], byte[]> transactionalProducer(String transactionalId, Duration transactionTimeout) {
        Properties properties = producerProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(transactionTimeout.toMillis()));
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        return producer(properties);
    }

    /** The producers' {@code max.request.size}: the largest record they send. */
    public int maxRequestSize() {
        Object value = producerProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? 1024 * 1024 : Integer.parseInt(value.toString().trim());
    }

    /** Made by the component's client factory when it has one (the routes' factory gives the bridge its own). */
    @SuppressWarnings("unchecked")
    private Producer<byte[], byte[]> producer(Properties properties) {
        KafkaClientFactory factory = context.getComponent("kafka", KafkaComponent.class).getKafkaClientFactory();
        if (factory instanceof RouteProducerFactory routes) {
            return routes.ownProducer(properties);
        }
        return factory != null ? factory.getProducer(properties) : new KafkaProducer<>(properties);
    }

    /** The settings of {@link #producer()}. */
    public Properties producerProperties() {
        KafkaConfiguration configuration = componentConfiguration();
        Properties properties = configuration.createProducerProperties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        String bytes = org.apache.kafka.common.serialization.ByteArraySerializer.class.getName();
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, bytes);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, bytes);
        // One request in flight per connection: when the broker refuses one record for good (too large for its
        // topic), the idempotent producer must not have the records behind it in that partition already on the
        // wire — they came back OutOfOrderSequence, retried for the whole delivery timeout, and the valid records
        // of the poll behind the refused one were held back (IngestIT saw it). A poll is still sent as batches.
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return properties;
    }

    public Properties admin() {
        KafkaConfiguration configuration = componentConfiguration();
        Properties consumer = configuration.createConsumerProperties();
        consumer.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        Properties admin = new Properties();
        for (String name : AdminClientConfig.configNames()) {
            if (consumer.containsKey(name)) {
                admin.put(name, consumer.get(name));
            }
        }
        admin.remove(AdminClientConfig.CLIENT_ID_CONFIG);
        return admin;
    }

    private KafkaConfiguration componentConfiguration() {
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        return kafka.getConfiguration().copy();
    }
}
