package cloud.acedata.dreamina.bridge.config;

import cloud.acedata.dreamina.bridge.util.Durations;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;

/**
 * Every {@code dreamina.*} setting the Java side reads, resolved once at start with Camel's own rules (the
 * properties files, then environment variables such as {@code DREAMINA_POLL_INTERVAL}). The defaults here are the
 * ones documented in {@code config/application.properties}.
 */
public record BridgeSettings(
        String apiBaseUrl,
        String apiToken,
        int maxRequestsPerSecond,
        Duration connectTimeout,
        Duration readTimeout,
        Duration retryAfterCap,
        Duration backoffInitial,
        Duration backoffMax,
        Duration backoffJitter,
        Duration credentialRecheck,
        String inputTopic,
        String outputTopic,
        String deadLetterTopic,
        String pendingTopic,
        int pendingPartitions,
        short pendingReplicationFactor,
        String consumerGroup,
        Duration pollInterval,
        Duration maxWait,
        int batchSize,
        Duration errorPause,
        int maxInFlight,
        double coalesce,
        Duration stopTimeout) {

    public static BridgeSettings from(PropertiesComponent properties) {
        Reader r = new Reader(properties);
        return new BridgeSettings(
                r.text("dreamina.api.base-url", "https://api.acedata.cloud"),
                r.text("dreamina.api.token", ""),
                r.positiveInt("dreamina.api.max-requests-per-second", 50),
                r.duration("dreamina.api.connect-timeout", "5s"),
                r.duration("dreamina.api.read-timeout", "30s"),
                r.duration("dreamina.api.retry-after-cap", "60s"),
                r.duration("dreamina.api.backoff.initial", "1s"),
                r.duration("dreamina.api.backoff.max", "16s"),
                r.duration("dreamina.api.backoff.jitter", "1s"),
                r.duration("dreamina.api.credential-recheck", "30s"),
                r.text("dreamina.topic.input", "dreamina.tasks"),
                r.text("dreamina.topic.output", "dreamina.videos"),
                r.text("dreamina.topic.dead-letter", "dreamina.tasks.dlq"),
                r.text("dreamina.topic.pending", "dreamina.tasks.pending"),
                r.positiveInt("dreamina.topic.pending.partitions", 6),
                r.replicationFactor("dreamina.topic.pending.replication-factor", -1),
                r.text("dreamina.consumer.group", "dreamina-bridge"),
                r.duration("dreamina.poll.interval", "5s"),
                r.duration("dreamina.poll.max-wait", "15m"),
                r.positiveInt("dreamina.poll.batch-size", 50),
                r.duration("dreamina.poll.error-pause", "1s"),
                r.positiveInt("dreamina.api.max-in-flight", 24),
                r.fraction("dreamina.poll.coalesce", "0.2"),
                r.duration("dreamina.poll.stop-timeout", "15s"));
    }

    /** The consumer group of the pending topic: the input's group with a {@code .pending} suffix. */
    public String pendingConsumerGroup() {
        return consumerGroup + ".pending";
    }

    /** How early a task may be polled to fill a request: {@code coalesce} of the poll interval. */
    public Duration coalesceWindow() {
        return Duration.ofNanos((long) (pollInterval.toNanos() * coalesce));
    }

    public boolean hasToken() {
        return apiToken != null && !apiToken.isBlank();
    }

    /** Never print the token. */
    @Override
    public String toString() {
        return "BridgeSettings[apiBaseUrl=" + apiBaseUrl + ", token=" + (hasToken() ? "(set)" : "(unset)")
                + ", maxRequestsPerSecond=" + maxRequestsPerSecond + ", input=" + inputTopic + ", output="
                + outputTopic + ", deadLetter=" + deadLetterTopic + ", pending=" + pendingTopic + ", group="
                + consumerGroup + ", pollInterval=" + pollInterval + ", maxWait=" + maxWait + ", batchSize="
                + batchSize + ", maxInFlight=" + maxInFlight + ", coalesce=" + coalesce + "]";
    }

    private record Reader(PropertiesComponent properties) {
        String text(String key, String fallback) {
            return properties.resolveProperty(key).map(String::trim).orElse(fallback);
        }

        int integer(String key, int fallback) {
            String value = text(key, String.valueOf(fallback));
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'", e);
            }
        }

        int positiveInt(String key, int fallback) {
            int value = integer(key, fallback);
            if (value <= 0) {
                throw new IllegalArgumentException(key + " must be positive, not " + value);
            }
            return value;
        }

        /** A share of something, from 0 (inclusive) to 1 (exclusive). */
        double fraction(String key, String fallback) {
            String value = text(key, fallback);
            try {
                double fraction = Double.parseDouble(value);
                if (fraction >= 0 && fraction < 1) {
                    return fraction;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(key + " must be a fraction from 0 (off) to below 1, not '" + value
                    + "'");
        }

        /** -1 (the broker's default) or 1 to Short.MAX_VALUE, as Kafka's Admin takes it. */
        short replicationFactor(String key, int fallback) {
            int value = integer(key, fallback);
            if (value != -1 && (value < 1 || value > Short.MAX_VALUE)) {
                throw new IllegalArgumentException(key + " must be -1 (the broker's default) or 1 to "
                        + Short.MAX_VALUE + ", not " + value);
            }
            return (short) value;
        }

        Duration duration(String key, String fallback) {
            String value = text(key, fallback);
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
    }
}
