package cloud.acedata.dreamina.bridge.config;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every {@code dreamina.*} setting the Java side reads, resolved once at start with Camel's own rules (the
 * properties files, then environment variables such as {@code DREAMINA_POLL_INTERVAL}). Their defaults are
 * written once, in {@code config/application.properties}; the API token alone has none (it belongs in
 * {@code DREAMINA_API_TOKEN}, never in a file).
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
    /** The most sample tasks local mode sends at start. */
    public static final int MAX_SAMPLE_TASKS = 10_000;

    /**
     * Reads and checks every setting; the first one that cannot be used is a {@link SettingException} naming its
     * key and environment variable.
     */
    public static BridgeSettings from(PropertiesComponent properties) {
        SettingReader r = new SettingReader(properties);
        Duration backoffInitial = r.positiveDuration("dreamina.api.backoff.initial");
        Duration backoffMax = r.positiveDuration("dreamina.api.backoff.max");
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new SettingException("dreamina.api.backoff.max", "must be at least dreamina.api.backoff.initial ("
                    + backoffInitial + "), not " + backoffMax);
        }
        Duration pollInterval = r.positiveDuration("dreamina.poll.interval");
        Duration maxWait = r.positiveDuration("dreamina.poll.max-wait");
        if (maxWait.compareTo(pollInterval) < 0) {
            throw new SettingException("dreamina.poll.max-wait", "must be at least dreamina.poll.interval ("
                    + pollInterval + "), not " + maxWait + ": every task would time out before its first poll");
        }
        Duration pendingRetention = r.positiveDuration("dreamina.topic.pending.retention");
        if (pendingRetention.compareTo(maxWait) < 0) {
            throw new SettingException("dreamina.topic.pending.retention", "must be at least dreamina.poll.max-wait ("
                    + maxWait + "), not " + pendingRetention + ": Kafka would delete tasks still waiting");
        }
        BridgeSettings settings = new BridgeSettings(
                r.httpUrl("dreamina.api.base-url"),
                r.optional("dreamina.api.token").orElse(""),
                r.positiveInt("dreamina.api.max-requests-per-second"),
                r.positiveDuration("dreamina.api.connect-timeout"),
                r.positiveDuration("dreamina.api.read-timeout"),
                r.positiveDuration("dreamina.api.retry-after-cap"),
                backoffInitial,
                backoffMax,
                r.durationOrOff("dreamina.api.backoff.jitter"),
                r.positiveDuration("dreamina.api.credential-recheck"),
                r.topic("dreamina.topic.input"),
                r.topic("dreamina.topic.output"),
                r.topic("dreamina.topic.dead-letter"),
                r.topic("dreamina.topic.pending"),
                r.positiveInt("dreamina.topic.pending.partitions"),
                replicationFactor(r, "dreamina.topic.pending.replication-factor"),
                r.nonBlank("dreamina.consumer.group"),
                pollInterval,
                maxWait,
                r.intInRange("dreamina.poll.batch-size", 1, MAX_BATCH_SIZE),
                r.positiveDuration("dreamina.poll.error-pause"),
                pendingRetention,
                r.intInRange("dreamina.api.max-in-flight", 1, MAX_IN_FLIGHT),
                r.fraction("dreamina.poll.coalesce"),
                r.positiveDuration("dreamina.poll.stop-timeout"));
        settings.requireDistinctTopics();
        checkRouteSettings(r);
        return settings;
    }

    /**
     * The keys the YAML routes and local mode read through placeholders: checked here too, so that a bad value
     * stops the start with one line instead of failing deep inside a route.
     */
    private static void checkRouteSettings(SettingReader r) {
        r.positiveInt("dreamina.ingest.max-poll-records");
        r.positiveInt("dreamina.ingest.consumers");
        r.intInRange("dreamina.kafka.write-retries", 0, Integer.MAX_VALUE);
        r.intInRange("dreamina.kafka.write-retry-delay-ms", 0, Integer.MAX_VALUE);
        r.intInRange("dreamina.local.sample-tasks", 0, MAX_SAMPLE_TASKS);
    }

    /** -1 (the broker's default) or 1 to Short.MAX_VALUE, as Kafka's Admin takes it. */
    private static short replicationFactor(SettingReader r, String key) {
        int value = r.intInRange(key, -1, Short.MAX_VALUE);
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
