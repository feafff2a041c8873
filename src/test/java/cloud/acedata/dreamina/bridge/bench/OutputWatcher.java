package cloud.acedata.dreamina.bridge.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the output topic from the beginning, on its own thread (no group), and keeps the timestamp of the first
 * output record of each task id (the record's CreateTime, set by the subject's producer): what completion and
 * detection latency are measured on. Later records of a key count as duplicates.
 */
final class OutputWatcher {

    static final String CLIENT_ID = "bench-output-watcher";

    private final String bootstrapServers;
    private final String topic;
    private final Map<String, Long> firstTimestamps = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private Thread thread;

    OutputWatcher(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    OutputWatcher start() {
        thread = new Thread(this::run, "bench-output-watcher");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Distinct task ids seen on the output topic. */
    int distinct() {
        if (failure != null) {
            throw failure;
        }
        return firstTimestamps.size();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** Task id to the timestamp (epoch ms) of its first output record. */
    Map<String, Long> firstTimestamps() {
        return Map.copyOf(firstTimestamps);
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    private void run() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // As the README tells consumers of the bridge: records of an aborted transaction are never read.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() == null || firstTimestamps.putIfAbsent(record.key(), record.timestamp()) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }
}
