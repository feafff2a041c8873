package cloud.acedata.dreamina.bridge.config;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Duration pendingRetention,
        int maxInFlight,
        double coalesce,
        Duration stopTimeout) {

    /** The most ids one {@code retrieve_batch} carries: the API documents no maximum; 100 is a safe request size. */
    public static final int MAX_BATCH_SIZE = 100;
    /** The most API requests in flight per instance: each holds a worker thread and an HTTP connection. */
    public static final int MAX_IN_FLIGHT = 200;

    /**
     * Reads and checks every setting; the first one that cannot be used is a {@link SettingException} naming its
     * key and environment variable.
     */
    public static BridgeSettings from(PropertiesComponent properties) {
        SettingReader r = new SettingReader(properties);
        Duration backoffInitial = r.positiveDuration("dreamina.api.backoff.initial", "1s");
        Duration backoffMax = r.positiveDuration("dreamina.api.backoff.max", "16s");
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new SettingException("dreamina.api.backoff.max", "must be at least dreamina.api.backoff.initial ("
                    + backoffInitial + "), not " + backoffMax);
        }
        Duration pollInterval = r.positiveDuration("dreamina.poll.interval", "5s");
        Duration maxWait = r.positiveDuration("dreamina.poll.max-wait", "15m");
        if (maxWait.compareTo(pollInterval) < 0) {
            throw new SettingException("dreamina.poll.max-wait", "must be at least dreamina.poll.interval ("
                    + pollInterval + "), not " + maxWait + ": every task would time out before its first poll");
        }
        Duration pendingRetention = r.positiveDuration("dreamina.topic.pending.retention", "7d");
        if (pendingRetention.compareTo(maxWait) < 0) {
            throw new SettingException("dreamina.topic.pending.retention", "must be at least dreamina.poll.max-wait ("
                    + maxWait + "), not " + pendingRetention + ": Kafka would delete tasks still waiting");
        }
        BridgeSettings settings = new BridgeSettings(
                r.httpUrl("dreamina.api.base-url", "https://api.acedata.cloud"),
                r.text("dreamina.api.token", ""),
                r.positiveInt("dreamina.api.max-requests-per-second", 50),
                r.positiveDuration("dreamina.api.connect-timeout", "5s"),
                r.positiveDuration("dreamina.api.read-timeout", "30s"),
                r.positiveDuration("dreamina.api.retry-after-cap", "60s"),
                backoffInitial,
                backoffMax,
                r.durationOrOff("dreamina.api.backoff.jitter", "1s"),
                r.positiveDuration("dreamina.api.credential-recheck", "30s"),
                r.topic("dreamina.topic.input", "dreamina.tasks"),
                r.topic("dreamina.topic.output", "dreamina.videos"),
                r.topic("dreamina.topic.dead-letter", "dreamina.tasks.dlq"),
                r.topic("dreamina.topic.pending", "dreamina.tasks.pending"),
                r.positiveInt("dreamina.topic.pending.partitions", 6),
                replicationFactor(r, "dreamina.topic.pending.replication-factor", -1),
                r.nonBlank("dreamina.consumer.group", "dreamina-bridge"),
                pollInterval,
                maxWait,
                r.intInRange("dreamina.poll.batch-size", 50, 1, MAX_BATCH_SIZE),
                r.positiveDuration("dreamina.poll.error-pause", "1s"),
                pendingRetention,
                r.intInRange("dreamina.api.max-in-flight", 24, 1, MAX_IN_FLIGHT),
                r.fraction("dreamina.poll.coalesce", "0.2"),
                r.positiveDuration("dreamina.poll.stop-timeout", "5s"));
        settings.requireDistinctTopics();
        checkRouteSettings(r);
        return settings;
    }

    /**
     * The keys the YAML routes and local mode read through placeholders: checked here too, so that a bad value
     * stops the start with one line instead of failing deep inside a route.
     */
    private static void checkRouteSettings(SettingReader r) {
        r.positiveInt("dreamina.ingest.max-poll-records", 500);
        r.positiveInt("dreamina.ingest.consumers", 3);
        r.intInRange("dreamina.kafka.write-retries", 3, 0, Integer.MAX_VALUE);
        r.intInRange("dreamina.kafka.write-retry-delay-ms", 1000, 0, Integer.MAX_VALUE);
        r.intInRange("dreamina.local.sample-tasks", 4, 0, 10_000);
    }

    /** -1 (the broker's default) or 1 to Short.MAX_VALUE, as Kafka's Admin takes it. */
    private static short replicationFactor(SettingReader r, String key, int fallback) {
        int value = r.intInRange(key, fallback, -1, Short.MAX_VALUE);
        if (value == 0) {
            throw new SettingException(key, "must be -1 (the broker's default) or 1 to " + Short.MAX_VALUE
                    + ", not 0");
        }
        return (short) value;
    }

    /** Writing the pending topic into the input (or output) topic would loop or mix record formats. */
    private void requireDistinctTopics() {
        Map<String, String> seen = new LinkedHashMap<>();
        seen.put(inputTopic, "dreamina.topic.input");
        for (Map.Entry<String, String> topic : List.of(Map.entry(outputTopic, "dreamina.topic.output"),
                Map.entry(deadLetterTopic, "dreamina.topic.dead-letter"),
                Map.entry(pendingTopic, "dreamina.topic.pending"))) {
            String other = seen.putIfAbsent(topic.getKey(), topic.getValue());
            if (other != null) {
                throw new SettingException(topic.getValue(), "must differ from " + other + " ('" + topic.getKey()
                        + "')");
            }
        }
    }

    /** How early a task may be polled to fill a request: {@code coalesce} of the poll interval. */
    public Duration coalesceWindow() {
        return Duration.ofNanos((long) (pollInterval.toNanos() * coalesce));
    }

    /** The consumer group of the pending topic: the input's group with a {@code .pending} suffix. */
    public String pendingConsumerGroup() {
        return consumerGroup + ".pending";
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
                + batchSize + ", pendingRetention=" + pendingRetention + ", maxInFlight=" + maxInFlight + ", coalesce="
                + coalesce + "]";
    }
}
