package cloud.acedata.dreamina.bridge.observe;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures the tasks in flight as the pending consumer group's lag, with an Admin client on a timer: for each
 * partition of the pending topic, its end offset minus the group's committed offset (its start offset when the
 * group has committed nothing there). A task not finished yet is written back to the pending topic and its old
 * record committed, so each task in flight is one record past the committed offsets. The whole group's figure,
 * the same on every instance (take the max across instances, not the sum), with no per-task label.
 * <p>
 * Each run also says whether the broker answers: the {@code dreamina-kafka} readiness check reads it.
 */
public final class PendingLagProbe implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingLagProbe.class);

    private final Admin admin;
    private final String topic;
    private final String group;
    private final Duration timeout;
    private final BridgeMetrics metrics;
    private final Clock clock;

    private volatile Instant lastSuccess;
    private volatile Instant lastAttempt;
    private volatile String lastFailure = "not probed yet";

    public PendingLagProbe(Admin admin, String topic, String group, Duration timeout, BridgeMetrics metrics,
                           Clock clock) {
        this.admin = admin;
        this.topic = topic;
        this.group = group;
        this.timeout = timeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        lastAttempt = clock.instant();
        try {
            long lag = lag();
            metrics.inFlight(lag);
            lastSuccess = clock.instant();
            lastFailure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Not swallowed: the failure is what the broker health check reports, and the gauge goes unknown.
            metrics.inFlight(-1);
            String reason = e.getCause() != null ? e.getCause().toString() : e.toString();
            if (lastFailure == null) {
                LOG.warn("Kafka did not answer the lag probe of {} within {} ms: {}", topic, timeout.toMillis(),
                        reason);
            }
            lastFailure = reason;
        }
    }

    long lag() throws Exception {
        long ms = timeout.toMillis();
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(ms, TimeUnit.MILLISECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        description.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(ms, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(ms, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(ms, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            long from = done != null ? done.offset() : starts.get(end.getKey()).offset();
            lag += Math.max(0, end.getValue().offset() - from);
        }
        return lag;
    }

    /** When the broker last answered, or null. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    /** Why the last probe failed, or null when it succeeded. */
    public String lastFailure() {
        return lastFailure;
    }

    public Instant lastAttempt() {
        return lastAttempt;
    }
}
