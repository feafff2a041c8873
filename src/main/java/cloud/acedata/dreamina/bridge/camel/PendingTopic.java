package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.config.SettingException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pending topic is the bridge's own: it is created at start when missing, with the configured partitions (the
 * most instances that can share the polling), replication factor (-1: the broker's default),
 * {@code cleanup.policy=delete} and {@code retention.ms} = {@code dreamina.topic.pending.retention}. An existing one
 * is checked, and the start is refused when it would lose tasks ({@link PendingTopicPolicy}).
 */
public final class PendingTopic {

    private static final Logger LOG = LoggerFactory.getLogger(PendingTopic.class);
    private static final long TIMEOUT_SECONDS = 30;
    private static final String KEY = "dreamina.topic.pending";

    private PendingTopic() {
    }

    /**
     * Creates the pending topic when missing, then checks it.
     *
     * @throws SettingException one line naming the key, when the topic cannot hold the tasks or Kafka does not
     *                          answer
     */
    public static void ensureSafe(Properties adminProperties, BridgeSettings settings) {
        String name = settings.pendingTopic();
        withAdmin(adminProperties, name, admin -> {
            if (!admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).contains(name)
                    && create(admin, settings)) {
                // Created with the configuration above; a describe right after the creation may not find it yet.
                return;
            }
            Config config = describe(admin, name);
            String cleanupPolicy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            long retentionMs = Long.parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG, "-1"));
            Optional<String> problem = PendingTopicPolicy.problem(name, cleanupPolicy, retentionMs, settings.maxWait());
            if (problem.isPresent()) {
                throw new SettingException(KEY, problem.get());
            }
            long wanted = settings.pendingRetention().toMillis();
            if (retentionMs >= 0 && retentionMs < wanted) {
                LOG.warn("The pending topic {} keeps records for {} ms, less than dreamina.topic.pending.retention "
                        + "({} ms): an outage longer than that loses waiting tasks (the bridge does not change an "
                        + "existing topic)", name, retentionMs, wanted);
            }
        });
    }

    /** What is done with the admin client; Kafka's failures become one line naming the key. */
    private interface AdminWork {
        void run(Admin admin) throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static void withAdmin(Properties adminProperties, String name, AdminWork work) {
        try (Admin admin = Admin.create(adminProperties)) {
            work.run(admin);
        } catch (ExecutionException e) {
            throw new SettingException(KEY, "Kafka refused to create or describe the topic '" + name + "': "
                    + e.getCause());
        } catch (TimeoutException e) {
            throw new SettingException("camel.component.kafka.brokers", "Kafka did not answer within "
                    + TIMEOUT_SECONDS + " s while checking the pending topic " + name + ": is it right?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the pending topic " + name, e);
        }
    }

    /**
     * The topic's configuration. A topic another instance created a moment ago may not be known to every broker
     * yet: that answer is asked again, a tenth of a second apart, for up to the timeout.
     */
    private static Config describe(Admin admin, String name)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeConfigs(Set.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .get(resource);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > end) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /** @return false when another instance created it at the same time (it is then checked like any other) */
    private static boolean create(Admin admin, BridgeSettings settings)
            throws ExecutionException, InterruptedException, TimeoutException {
        NewTopic topic = new NewTopic(settings.pendingTopic(), Optional.of(settings.pendingPartitions()),
                replicationOf(settings.pendingReplicationFactor()))
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(settings.pendingRetention().toMillis())));
        if (!createIfMissing(admin, topic)) {
            return false;
        }
        LOG.info("Created the pending topic {} ({} partitions, cleanup.policy=delete, retention.ms={})",
                settings.pendingTopic(), settings.pendingPartitions(), settings.pendingRetention().toMillis());
        return true;
    }

    /** @return false when another instance created it at the same time */
    private static boolean createIfMissing(Admin admin, NewTopic topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.createTopics(Set.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    /** -1: the broker's default. */
    private static Optional<Short> replicationOf(short replication) {
        return replication > 0 ? Optional.of(replication) : Optional.empty();
    }

    private static String value(Config config, String name, String fallback) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null || entry.value() == null ? fallback : entry.value();
    }
}
