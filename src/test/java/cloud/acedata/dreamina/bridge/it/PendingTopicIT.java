package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.camel.PendingTopic;
import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.OnlySettings;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 6.9: the pending topic against a real broker. The bridge creates it with {@code cleanup.policy=delete} and the
 * configured retention; an existing topic that would lose tasks (compacted, or a retention below max-wait) refuses
 * the start with one line naming the key.
 */
@ExtendWith(KafkaBroker.class)
class PendingTopicIT {

    private static Admin admin;
    private static DefaultCamelContext context;

    @BeforeAll
    static void connect() {
        admin = Admin.create(adminProperties());
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void close() {
        admin.close();
        context.stop();
    }

    private static Properties adminProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        return properties;
    }

    private static BridgeSettings settings(Map<String, String> values) {
        return OnlySettings.of(context, values);
    }

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(Set.of(new NewTopic(name, 1, (short) 1).configs(configs))).all()
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * The topic's configuration. A topic created a moment ago may not be known to the broker's metadata yet (the
     * create answers before every cache has it: CI saw UnknownTopicOrPartition here), so "not known yet" is
     * asked again until a deadline.
     */
    private static Config configOf(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return within(Duration.ofSeconds(30)).alias("the configuration of " + topic).until(() -> {
            try {
                return admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            } catch (Exception e) {
                throw new IllegalStateException("describeConfigs " + topic, e);
            }
        }, Objects::nonNull);
    }

    @Test
    void aTopicTheBridgeCreatesIsDeletePolicyWithTheConfiguredRetention() throws Exception {
        TestTopics topics = TestTopics.unique("pending-new");
        PendingTopic.ensureSafe(adminProperties(), settings(Map.of("dreamina.topic.pending", topics.pending(),
                "dreamina.topic.pending.partitions", "2", "dreamina.topic.pending.retention", "2h")));

        Config config = configOf(topics.pending());
        assertEquals("delete", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        assertEquals(String.valueOf(Duration.ofHours(2).toMillis()), config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        assertEquals(2, admin.describeTopics(Set.of(topics.pending())).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topics.pending()).partitions().size());
        System.out.println("FIGURE pending-created cleanup.policy=delete retention.ms="
                + config.get(TopicConfig.RETENTION_MS_CONFIG).value());

        // Started again: the topic exists and passes the check (the default 7d retention does not change it).
        PendingTopic.ensureSafe(adminProperties(), settings(Map.of("dreamina.topic.pending", topics.pending())));
        assertEquals(String.valueOf(Duration.ofHours(2).toMillis()),
                configOf(topics.pending()).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }

    @Test
    void anExistingTopicWithInfiniteRetentionIsFine() throws Exception {
        TestTopics topics = TestTopics.unique("pending-forever");
        createTopic(topics.pending(), Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        PendingTopic.ensureSafe(adminProperties(), settings(Map.of("dreamina.topic.pending", topics.pending())));
        assertEquals("-1", configOf(topics.pending()).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }

    @Test
    void anExistingTopicKeepingRecordsLessThanMaxWaitRefusesTheStart() throws Exception {
        TestTopics topics = TestTopics.unique("pending-short");
        createTopic(topics.pending(), Map.of(TopicConfig.RETENTION_MS_CONFIG, "60000"));

        SettingException e = assertThrows(SettingException.class, () -> PendingTopic.ensureSafe(adminProperties(),
                settings(Map.of("dreamina.topic.pending", topics.pending(), "dreamina.poll.max-wait", "15m"))));

        assertEquals("dreamina.topic.pending (environment variable DREAMINA_TOPIC_PENDING): the existing topic '"
                + topics.pending() + "' keeps records for 60000 ms (retention.ms), less than dreamina.poll.max-wait "
                + "(900000 ms): Kafka would delete tasks still waiting; raise its retention.ms above the max-wait",
                e.getMessage());
        System.out.println("FIGURE pending-short " + e.getMessage());
    }

    @Test
    void anExistingCompactedTopicRefusesTheBridgesStartWithOneLineAndStartsNothing() throws Exception {
        TestTopics topics = TestTopics.unique("pending-compacted");
        createTopic(topics.pending(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"));
        Map<String, String> bridgeSettings = BridgeInstance.baseSettings(KafkaBroker.bootstrapServers(),
                "http://127.0.0.1:9", "pending-topic-test-token", topics);

        Exception failure = assertThrows(Exception.class, () -> BridgeInstance.start(bridgeSettings).close());

        SettingException refusal = find(failure);
        assertEquals("dreamina.topic.pending", refusal.key());
        assertTrue(refusal.getMessage().startsWith("dreamina.topic.pending (environment variable "
                + "DREAMINA_TOPIC_PENDING): the existing topic '" + topics.pending() + "' is compacted "
                + "(cleanup.policy=compact)"), refusal.getMessage());
        assertFalse(refusal.getMessage().contains("\n"));
        // Nothing consumed: the pending group never joined.
        assertTrue(admin.listConsumerGroupOffsets(topics.pendingGroup()).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).isEmpty());
        assertEquals("compact", configOf(topics.pending()).get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                "an existing topic is never changed");
        System.out.println("FIGURE pending-compacted " + refusal.getMessage());
    }

    private static SettingException find(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SettingException setting) {
                return setting;
            }
        }
        throw new AssertionError("no SettingException in the chain", failure);
    }
}
