package cloud.acedata.dreamina.bridge.config;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How the bridge delivers: {@code dreamina.delivery.*} and {@code dreamina.instance.id} (documented in
 * {@code config/application.properties}).
 *
 * @param guarantee          exactly once (Kafka transactions on both hops) or at least once
 * @param commitInterval     how often the poll path commits its transaction (or its offsets)
 * @param transactionTimeout {@code transaction.timeout.ms} of the bridge's transactional producers
 * @param instanceId         this instance's name: stable across its restarts, unique among live instances
 * @param group              the input's consumer group: the prefix of every transactional id
 */
public record DeliverySettings(Guarantee guarantee, Duration commitInterval, Duration transactionTimeout,
                               String instanceId, String group) {

    /** What a consumer of the output and dead-letter topics may rely on. */
    public enum Guarantee {
        /** Every task's outcome once, for a {@code read_committed} consumer, also after a crash. */
        EXACTLY_ONCE("exactly-once"),
        /** Every task's outcome at least once: after a crash, some may come twice. */
        AT_LEAST_ONCE("at-least-once");

        private final String value;

        Guarantee(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** A transactional id's characters (Kafka allows more; these survive ACL tools and shells). */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /**
     * Reads the settings; an empty {@code dreamina.instance.id} is the {@code HOSTNAME} environment variable (a
     * Kubernetes pod's name: kept across a container's restarts), else a random name for this start.
     */
    public static DeliverySettings from(PropertiesComponent properties, Map<String, String> environment) {
        SettingReader r = new SettingReader(properties);
        String value = r.text("dreamina.delivery.guarantee").trim().toLowerCase(Locale.ROOT);
        Guarantee guarantee = null;
        for (Guarantee g : Guarantee.values()) {
            if (g.value().equals(value)) {
                guarantee = g;
            }
        }
        if (guarantee == null) {
            throw new SettingException("dreamina.delivery.guarantee", "must be exactly-once or at-least-once, not '"
                    + value + "'");
        }
        Duration commitInterval = r.positiveDuration("dreamina.delivery.commit-interval");
        Duration transactionTimeout = r.positiveDuration("dreamina.delivery.transaction-timeout");
        if (transactionTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || transactionTimeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new SettingException("dreamina.delivery.transaction-timeout", "must be between 1s and 15m (the "
                    + "broker's transaction.max.timeout.ms by default), not '" + transactionTimeout + "'");
        }
        if (commitInterval.compareTo(transactionTimeout.dividedBy(2)) > 0) {
            throw new SettingException("dreamina.delivery.commit-interval", "must be at most half of "
                    + "dreamina.delivery.transaction-timeout (" + transactionTimeout + "), not " + commitInterval
                    + ": a transaction would time out before it is committed");
        }
        String instanceId = r.optional("dreamina.instance.id").map(String::trim).filter(s -> !s.isEmpty())
                .or(() -> java.util.Optional.ofNullable(environment.get("HOSTNAME")).map(String::trim)
                        .filter(s -> !s.isEmpty()))
                .orElse("random-" + UUID.randomUUID().toString().substring(0, 8));
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw new SettingException("dreamina.instance.id", "must be 1 to 100 letters, digits, '.', '_' or '-', "
                    + "not '" + instanceId + "'");
        }
        return new DeliverySettings(guarantee, commitInterval, transactionTimeout, instanceId,
                r.nonBlank("dreamina.consumer.group"));
    }

    public boolean exactlyOnce() {
        return guarantee == Guarantee.EXACTLY_ONCE;
    }

    /**
     * The transactional id of one of this instance's producers: {@code <group>.<instance>.<role>}. Stable across the
     * instance's restarts (the broker then aborts what its predecessor left open as soon as it starts), and never
     * the same for two live instances (their instance ids differ). Every id starts with {@link #transactionalIdPrefix}.
     *
     * @param role {@code pending} for the scheduler's producer, {@code ingest-<n>} for ingest consumer n
     */
    public String transactionalId(String role) {
        return transactionalIdPrefix() + instanceId + "." + role;
    }

    /** What every transactional id of the bridge starts with: the prefix its ACLs name. */
    public String transactionalIdPrefix() {
        return group + ".";
    }
}
