package cloud.acedata.dreamina.bridge.camel;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an existing pending topic can hold the bridge's tasks, decided from its {@code cleanup.policy} and
 * {@code retention.ms}:
 * <ul>
 *   <li>compacted ({@code compact}, or {@code compact,delete}): Kafka would delete older records that share a key,
 *       and every task of one input key shares it — refused;</li>
 *   <li>a retention below {@code dreamina.poll.max-wait}: Kafka would delete tasks that are still waiting — refused;
 *       {@code -1} (keep for ever) is fine.</li>
 * </ul>
 */
public final class PendingTopicPolicy {

    private PendingTopicPolicy() {
    }

    /**
     * @param topic         the topic's name, for the message
     * @param cleanupPolicy its {@code cleanup.policy}, e.g. {@code delete} or {@code compact,delete}
     * @param retentionMs   its {@code retention.ms}; -1 is infinite
     * @param maxWait       {@code dreamina.poll.max-wait}
     * @return why the topic cannot be used, or empty when it can
     */
    public static Optional<String> problem(String topic, String cleanupPolicy, long retentionMs, Duration maxWait) {
        boolean compacted = Arrays.stream(cleanupPolicy.split(","))
                .map(policy -> policy.trim().toLowerCase(Locale.ROOT))
                .anyMatch("compact"::equals);
        if (compacted) {
            return Optional.of("the existing topic '" + topic + "' is compacted (cleanup.policy=" + cleanupPolicy
                    + "): Kafka would delete waiting tasks that share a key; give the bridge a topic with "
                    + "cleanup.policy=delete (or a new name and let the bridge create it)");
        }
        if (retentionMs >= 0 && retentionMs < maxWait.toMillis()) {
            return Optional.of("the existing topic '" + topic + "' keeps records for " + retentionMs
                    + " ms (retention.ms), less than dreamina.poll.max-wait (" + maxWait.toMillis()
                    + " ms): Kafka would delete tasks still waiting; raise its retention.ms above the max-wait");
        }
        return Optional.empty();
    }
}
