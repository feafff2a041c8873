package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

/**
 * What a {@code kafka:} endpoint of the YAML routes gets as its producer under exactly-once: not a producer of its
 * own, but the door to the poll path's {@linkplain RouteTransaction transaction of the moment}. The endpoint
 * serializes with its own settings and sends as usual (asynchronously, with its callback); the record lands in the
 * scheduler's transaction, committed with the pending offsets it completes. The routes stay the operator's (steps,
 * headers, filters), and cannot leave the transaction: the transaction calls are the bridge's, and closing this
 * producer closes nothing.
 */
public final class TransactionBoundProducer implements Producer<Object, Object> {

    private final RouteTransaction transaction;
    private final Serializer<Object> keySerializer;
    private final Serializer<Object> valueSerializer;

    public TransactionBoundProducer(RouteTransaction transaction, Properties properties) {
        this.transaction = transaction;
        Map<String, Object> configs = new HashMap<>();
        properties.forEach((k, v) -> configs.put(String.valueOf(k), v));
        this.keySerializer = serializer(properties.get(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG), configs, true);
        this.valueSerializer = serializer(properties.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG), configs, false);
    }

    @SuppressWarnings("unchecked")
    private static Serializer<Object> serializer(Object configured, Map<String, Object> configs, boolean isKey) {
        Serializer<Object> serializer;
        try {
            if (configured instanceof Serializer<?> instance) {
                serializer = (Serializer<Object>) instance;
            } else if (configured instanceof Class<?> type) {
                serializer = (Serializer<Object>) Utils.newInstance(type);
            } else {
                serializer = Utils.newInstance(String.valueOf(configured), Serializer.class);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("serializer class not found: " + configured, e);
        }
        serializer.configure(configs, isKey);
        return serializer;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<Object, Object> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
        byte[] key = keySerializer.serialize(record.topic(), record.headers(), record.key());
        byte[] value = valueSerializer.serialize(record.topic(), record.headers(), record.value());
        return transaction.current().send(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(),
                key, value, record.headers()), callback);
    }

    @Override
    public void flush() {
        transaction.current().producer().flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return transaction.current().producer().partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return transaction.current().producer().clientInstanceId(timeout);
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // the transaction's producer reports its own metrics
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // the transaction's producer reports its own metrics
    }

    @Override
    public void initTransactions() {
        throw notTheRoutes();
    }

    @Override
    public void beginTransaction() {
        throw notTheRoutes();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        throw notTheRoutes();
    }

    @Override
    public void commitTransaction() {
        throw notTheRoutes();
    }

    @Override
    public void abortTransaction() {
        throw notTheRoutes();
    }

    /** Closes nothing: the transaction's producer belongs to the scheduler. */
    @Override
    public void close() {
        keySerializer.close();
        valueSerializer.close();
    }

    @Override
    public void close(Duration timeout) {
        close();
    }

    private static UnsupportedOperationException notTheRoutes() {
        return new UnsupportedOperationException("under dreamina.delivery.guarantee=exactly-once the bridge owns the "
                + "transaction: a kafka: endpoint of the routes must not set transacted=true");
    }
}
