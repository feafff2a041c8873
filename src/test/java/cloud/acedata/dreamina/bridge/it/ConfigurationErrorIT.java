package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.EditedRoutes;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.StartRefusal;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


/**
 * 7.5 and 6.10 at the jar level, as an operator meets them: a setting that cannot be used stops the start with
 * exit code 2 and exactly one ERROR line naming the key and its environment variable, without a stack trace.
 * Connected mode against the suite's broker, so that nothing but the bad setting can fail the start.
 */
@ExtendWith(KafkaBroker.class)
class ConfigurationErrorIT {

    private static final Duration EXIT = Duration.ofSeconds(120);
    private static final String TOKEN = "configuration-error-test-token";

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("DREAMINA_POLL_INTERVAL", "banana"), List.of(),
                        "dreamina.poll.interval (environment variable DREAMINA_POLL_INTERVAL): not a duration"),
                Arguments.of(Map.of("DREAMINA_API_READ_TIMEOUT", "0"), List.of(),
                        "dreamina.api.read-timeout (environment variable DREAMINA_API_READ_TIMEOUT): must be longer "
                                + "than 0"),
                Arguments.of(Map.of("DREAMINA_POLL_BATCH_SIZE", "0"), List.of(),
                        "dreamina.poll.batch-size (environment variable DREAMINA_POLL_BATCH_SIZE): must be from 1 "
                                + "to 100, not 0"),
                Arguments.of(Map.of("DREAMINA_API_BASE_URL", "htps//api.acedata.cloud"), List.of(),
                        "dreamina.api.base-url (environment variable DREAMINA_API_BASE_URL): must be an absolute "
                                + "http:// or https:// URL"),
                Arguments.of(Map.of("DREAMINA_POLL_INTERVALL", "1s"), List.of(),
                        "unknown setting dreamina.poll.intervall (environment variable DREAMINA_POLL_INTERVALL): "
                                + "not a key of dreamina-bridge"),
                Arguments.of(Map.of(), List.of("-Dcamel.component.kafka.foo-bar=1"),
                        "camel.component.kafka.foo-bar (environment variable CAMEL_COMPONENT_KAFKA_FOO_BAR): Camel "
                                + "has no such option"),
                Arguments.of(Map.of("CAMEL_MAIN_FOO_BAR", "1"), List.of(),
                        "camel.main.foo.bar (environment variable CAMEL_MAIN_FOO_BAR): Camel has no such option"),
                Arguments.of(Map.of("CAMEL_COMPONENT_KAFKA_SSL_TRUST_STORE_LOCATON", "/etc/truststore.p12"),
                        List.of(), "environment variable CAMEL_COMPONENT_KAFKA_SSL_TRUST_STORE_LOCATON: not an option "
                                + "of Camel's kafka component"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void aBadSettingExitsWithOneLineNamingKeyAndVariable(Map<String, String> bad, List<String> jvmOptions,
                                                         String expected, @TempDir Path emptyDir) throws Exception {
        Map<String, String> env = connected(TestTopics.unique("config-error"));
        env.putAll(bad);
        assertOneErrorLine(env, jvmOptions, expected, emptyDir);
    }

    @Test
    void anExistingCompactedPendingTopicExitsWithOneLine(@TempDir Path emptyDir) throws Exception {
        TestTopics topics = TestTopics.unique("config-compacted");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(Set.of(new NewTopic(topics.pending(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> env = connected(topics);
        assertOneErrorLine(env, List.of(), "dreamina.topic.pending (environment variable DREAMINA_TOPIC_PENDING): the "
                + "existing topic '" + topics.pending() + "' is compacted (cleanup.policy=compact)", emptyDir);
    }

    static Stream<Arguments> routeEditsThatBypassTheTransaction() {
        String line = "dreamina.delivery.guarantee (environment variable DREAMINA_DELIVERY_GUARANTEE): under "
                + "exactly-once the routes' kafka: endpoints write in the bridge's transaction (README \"Exactly "
                + "once\"), but route publish-video: kafka:{{dreamina.topic.output}}?";
        return Stream.of(
                Arguments.of(Map.of("transacted", "true"),
                        line + "transacted=true sets transacted=true: remove that, or set at-least-once"),
                Arguments.of(Map.of("brokers", "127.0.0.1:19092"), line + "brokers=127.0.0.1:19092 sets brokers other "
                        + "than camel.component.kafka.brokers: remove that, or set at-least-once"));
    }

    /**
     * Issue 13, item 3: under exactly-once (the default) an operator's edit of publish-video that would write
     * outside the bridge's transaction stops the start with one line naming the setting, the route and the endpoint.
     */
    @ParameterizedTest
    @MethodSource("routeEditsThatBypassTheTransaction")
    void aRouteEditThatWouldBypassTheTransactionExitsWithOneLine(Map<String, String> parameters, String expected,
                                                                 @TempDir Path workDir) throws Exception {
        EditedRoutes.copyWithPublishVideo(workDir.resolve("routes"), EditedRoutes.publishVideoWith(parameters));
        assertOneErrorLine(connected(TestTopics.unique("config-route-edit")), List.of(), expected, workDir);
    }

    /** Connected to the shared broker; no API answers at this address (none is asked: the start is refused first). */
    private static Map<String, String> connected(TestTopics topics) {
        return BridgeProcess.connectedEnvironment("http://127.0.0.1:9", TOKEN, topics);
    }

    private static void assertOneErrorLine(Map<String, String> env, List<String> jvmOptions, String expected,
                                           Path workDir) throws Exception {
        try (BridgeProcess bridge = BridgeProcess.start(workDir, env, jvmOptions.toArray(String[]::new))) {
            StartRefusal.assertOneErrorLine(bridge, EXIT, expected, TOKEN);
        }
    }
}
