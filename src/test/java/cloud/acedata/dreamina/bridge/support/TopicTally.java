package cloud.acedata.dreamina.bridge.support;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the records of one existing topic by key, cheaply and incrementally: one consumer without a group
 * (assign + seek to beginning) that each {@link #refresh()} advances by a single short poll. Made for
 * {@link Waiting} conditions such as "at least 50 outputs", where re-reading the whole topic at every check
 * ({@link KafkaTestClient#readAll}) would cost a quiet period each time. Not thread-safe: use from one thread.
 */
public final class TopicTally implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Integer> countsByKey = new HashMap<>();
    private int records;

    /** @param topic a topic that exists already (create it first: the tally does not wait for it) */
    public TopicTally(String bootstrapServers, String topic) {
        this.topic = topic;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // As the README tells consumers of the bridge: records of an aborted transaction are never read.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos = consumer.partitionsFor(topic, CALL_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("Topic " + topic + " does not exist: create it before tallying it");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One short poll: takes in whatever arrived since the last call. @return this */
    public TopicTally refresh() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            records++;
            countsByKey.merge(String.valueOf(record.key()), 1, Integer::sum);
        }
        return this;
    }

    public String topic() {
        return topic;
    }

    /** Records seen so far, duplicates included. */
    public int records() {
        return records;
    }

    /** Distinct keys seen so far. */
    public Set<String> keys() {
        return Set.copyOf(countsByKey.keySet());
    }

    public int count(String key) {
        return countsByKey.getOrDefault(key, 0);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
