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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

    /** A record's timestamp when none is known yet (the producer's {@code RecordBatch.NO_TIMESTAMP}). */
    private static final long NO_TIMESTAMP = -1L;

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

    /**
     * Puts the record in the open transaction and answers at once: under exactly-once a write is done when the
     * transaction holds it, and acknowledged when the transaction commits (the commit waits for every write of it,
     * and a write that fails aborts it: its records are handled again). So the route goes on in its own thread,
     * without waiting for the broker's answer to each record, and a batch leaves the {@link TransactionGate} as soon
     * as its outcomes are handed over — a commit never waits for answers it will wait for itself. The metadata
     * handed back has offset -1, as with {@code acks=0}: the offset is not known yet.
     *
     * <p>A send that fails before it returns is told to the route as before: a record too large
     * ({@link RecordSizeLimit}), a topic missing or not authorised (the producer's metadata wait), so the scheduler
     * can tell an unwritable topic from a failed write. Only the broker's later answers are the transaction's alone.
     */
    @Override
    public Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
        byte[] key = keySerializer.serialize(record.topic(), record.headers(), record.key());
        byte[] value = valueSerializer.serialize(record.topic(), record.headers(), record.value());
        Future<RecordMetadata> sent = transaction.current().send(new ProducerRecord<>(record.topic(),
                record.partition(), record.timestamp(), key, value, record.headers()), null);
        Exception refused = failedAlready(sent);
        if (refused != null) {
            if (callback != null) {
                callback.onCompletion(null, refused);
            }
            return sent;
        }
        RecordMetadata held = new RecordMetadata(new TopicPartition(record.topic(),
                record.partition() == null ? RecordMetadata.UNKNOWN_PARTITION : record.partition()),
                -1, 0, record.timestamp() == null ? NO_TIMESTAMP : record.timestamp(),
                key == null ? -1 : key.length, value == null ? -1 : value.length);
        if (callback != null) {
            callback.onCompletion(held, null);
        }
        return CompletableFuture.completedFuture(held);
    }

    /**
     * The failure of a send that has already failed (before or as it returned), or null. An interrupt does not make
     * a held record a failed one (the producer's future checks the flag even when it is done): it is kept for the
     * caller, and the answer read again.
     */
    private static Exception failedAlready(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    sent.get();
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
