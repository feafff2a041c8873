package cloud.acedata.dreamina.bridge.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;

/**
 * Plain kafka-clients helpers for tests: create topics, send records, read topics back, and look at a consumer
 * group's committed offsets. Keeps one producer and one admin client; each read uses a short-lived consumer
 * without a group (assign + seek to beginning), so reading never shows up in any group's offsets.
 */
public final class KafkaTestClient implements AutoCloseable {

    /** Bound on every single admin or send call: a healthy local broker answers in milliseconds. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers), new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
    }

    /** A client of the JVM-wide broker of {@link KafkaBroker}. */
    public static KafkaTestClient ofSharedBroker() {
        return new KafkaTestClient(KafkaBroker.bootstrapServers());
    }

    /** {@code prefix} plus a random suffix: a topic or group id no other test uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates a topic (replication factor 1) and returns once the broker has it. */
    public void createTopic(String name, int partitions) {
        await(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(), "create topic " + name);
        // The creation is acknowledged before every partition has its leader: a producer writing at once got
        // NOT_LEADER_OR_FOLLOWER, and an idempotent one with several requests in flight then an endless
        // OUT_OF_ORDER_SEQUENCE_NUMBER (seen in CI). Wait for the leaders.
        within(CALL_TIMEOUT)
                .alias("a leader for each partition of " + name)
                .until(() -> await(admin.describeTopics(Set.of(name)).allTopicNames(), "describe topic " + name)
                        .get(name).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    }

    /** Whether the broker lists the topic now (no waiting: for checking that something did not create it). */
    public boolean topicExists(String topic) {
        return await(admin.listTopics().names(), "list topics").contains(topic);
    }

    /** Number of partitions of an existing topic. */
    public int partitionCount(String topic) {
        return describe(topic).partitions().size();
    }

    /** Sends one record and waits for the broker's acknowledgement (acks=all). */
    public RecordMetadata send(String topic, String key, byte[] value) {
        return send(topic, key, value, Map.of());
    }

    /** Sends one record with UTF-8 headers and waits for the broker's acknowledgement (acks=all). */
    public RecordMetadata send(String topic, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, headerValue) ->
                record.headers().add(name, headerValue == null ? null : headerValue.getBytes(StandardCharsets.UTF_8)));
        return await(producer.send(record), "send to " + topic);
    }

    /** Sends one record to a given partition with UTF-8 headers and waits for the broker's acknowledgement. */
    public RecordMetadata sendTo(String topic, int partition, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        headers.forEach((name, headerValue) ->
                record.headers().add(name, headerValue == null ? null : headerValue.getBytes(StandardCharsets.UTF_8)));
        return await(producer.send(record), "send to " + topic + "-" + partition);
    }

    /** Sets the committed offset of an idle group on one partition, as a previous owner's commit would. */
    public void commit(String groupId, String topic, int partition, long offset) {
        await(admin.alterConsumerGroupOffsets(groupId,
                Map.of(new TopicPartition(topic, partition), new OffsetAndMetadata(offset))).all(),
                "commit of group " + groupId);
    }

    /**
     * Reads {@code topic} from the beginning and returns as soon as {@code expectedCount} records have arrived
     * (all of them, if more did by then), in partition order. The topic may not exist yet: it is waited for
     * without being auto-created. Fails at {@code deadline} with an AssertionError listing what arrived.
     */
    public List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, int expectedCount, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            Duration remaining = Duration.ofNanos(Math.max(0, end - System.nanoTime()));
            List<TopicPartition> partitions = within(remaining)
                    .alias("topic " + topic + " to exist")
                    .until(() -> partitionsOf(consumer, topic), found -> !found.isEmpty());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (received.size() < expectedCount) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + expectedCount + " record(s) on " + topic + " within "
                            + deadline.toMillis() + " ms, got " + received.size() + ":" + render(received));
                }
                consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))))
                        .forEach(received::add);
            }
        }
        return received;
    }

    /**
     * Everything on {@code topic}: reads from the beginning to the current end, then keeps reading until nothing
     * new arrives for {@code quietPeriod}. A topic that does not exist after {@code quietPeriod} reads as empty.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration quietPeriod) {
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions;
            try {
                partitions = within(quietPeriod)
                        .alias("topic " + topic + " to exist")
                        .until(() -> partitionsOf(consumer, topic), found -> !found.isEmpty());
            } catch (ConditionTimeoutException noSuchTopic) {
                return received;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, CALL_TIMEOUT);
            long readUpToEnd = System.nanoTime() + CALL_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, CALL_TIMEOUT) < endOffsets.get(p))) {
                if (System.nanoTime() - readUpToEnd > 0) {
                    throw new AssertionError("Could not read " + topic + " up to its end offsets " + endOffsets
                            + " within " + CALL_TIMEOUT.toSeconds() + " s; got" + render(received));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            while (true) {
                int before = received.size();
                consumer.poll(quietPeriod).forEach(received::add);
                if (received.size() == before) {
                    return received;
                }
            }
        }
    }

    /** The value of the last header called {@code name}, as UTF-8, or null if there is none (or it is null). */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Offsets {@code groupId} has committed on {@code topic}, by partition; partitions it never committed are absent. */
    public Map<TopicPartition, Long> committedOffsets(String groupId, String topic) {
        Map<TopicPartition, OffsetAndMetadata> all = await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(), "offsets of group " + groupId);
        Map<TopicPartition, Long> result = new TreeMap<>(KafkaTestClient::byPartition);
        all.forEach((partition, offset) -> {
            if (offset != null && partition.topic().equals(topic)) {
                result.put(partition, offset.offset());
            }
        });
        return result;
    }

    /** Sum of the offsets {@code groupId} has committed over the partitions of {@code topic}. */
    public long committedOffset(String groupId, String topic) {
        return committedOffsets(groupId, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Latest offset (the offset the next record will get) of each partition of {@code topic}. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        return offsets(topic, OffsetSpec.latest());
    }

    /**
     * Records on {@code topic} that {@code groupId} has not committed past: end offset minus committed offset,
     * summed over partitions. A partition the group never committed counts from its first retained record. Offsets,
     * as the bridge's own in-flight metric counts them: under exactly-once a transaction's commit marker takes an
     * offset, and the bridge commits past the markers its consumer passed (a lag stuck at 1 is a defect).
     */
    public long lag(String groupId, String topic) {
        Map<TopicPartition, Long> committed = committedOffsets(groupId, topic);
        Map<TopicPartition, Long> start = offsets(topic, OffsetSpec.earliest());
        return endOffsets(topic).entrySet().stream()
                .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), start.get(e.getKey())))
                .sum();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = describe(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> spec));
        Map<TopicPartition, ListOffsetsResultInfo> result =
                await(admin.listOffsets(request).all(), "offsets of topic " + topic);
        Map<TopicPartition, Long> offsets = new TreeMap<>(KafkaTestClient::byPartition);
        result.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /**
     * The topic as the broker describes it. Its metadata may lag a creation that was just acknowledged
     * (UnknownTopicOrPartition for a moment), so that answer is asked again until the call timeout.
     */
    private TopicDescription describe(String topic) {
        return within(CALL_TIMEOUT)
                .alias("the description of topic " + topic)
                .until(() -> await(admin.describeTopics(Set.of(topic)).allTopicNames(), "describe topic " + topic)
                        .get(topic), Objects::nonNull);
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Reading must not create the topic it waits for: that would hide a missing producer.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        // What the README tells consumers of the bridge to do: an aborted transaction's records are never read.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<String, Object> producerConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Each send is awaited on its own: do not hold it back hoping to batch (the default is 5 ms since Kafka 4.0).
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Fail a send within the call timeout instead of the default 2 minutes (e.g. while a broker is down).
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        return config;
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, CALL_TIMEOUT);
        } catch (UnknownTopicOrPartitionException e) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).sorted(KafkaTestClient::byPartition).toList();
    }

    private static int byPartition(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    private static String render(List<ConsumerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return " nothing";
        }
        return records.stream()
                .map(r -> "\n  " + r.topic() + "-" + r.partition() + "@" + r.offset() + " key=" + r.key()
                        + " value=" + (r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8))
                        + " headers=" + headers(r))
                .collect(Collectors.joining());
    }

    private static String headers(ConsumerRecord<?, ?> record) {
        List<String> rendered = new ArrayList<>();
        for (Header h : record.headers()) {
            rendered.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return rendered.toString();
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka call failed: " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka call timed out after " + CALL_TIMEOUT.toSeconds() + " s: " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + what, e);
        }
    }
}
