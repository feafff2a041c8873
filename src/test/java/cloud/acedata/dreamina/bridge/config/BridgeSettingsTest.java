package cloud.acedata.dreamina.bridge.config;

import cloud.acedata.dreamina.bridge.support.OnlySettings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeSettingsTest {

    /** The properties component looks values up through a context's type converter. */
    private static DefaultCamelContext context;

    @BeforeAll
    static void startContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stopContext() {
        context.stop();
    }

    private static BridgeSettings settings(Map<String, String> values) {
        return OnlySettings.of(context, values);
    }

    /** The defaults are config/application.properties': what an operator reads there is what the bridge uses. */
    @Test
    void defaultsWhenNothingIsSet() {
        BridgeSettings s = settings(Map.of());

        assertEquals("https://api.acedata.cloud", s.apiBaseUrl());
        assertEquals("", s.apiToken());
        assertFalse(s.hasToken());
        assertEquals(50, s.maxRequestsPerSecond());
        assertEquals(Duration.ofSeconds(5), s.connectTimeout());
        assertEquals(Duration.ofSeconds(30), s.readTimeout());
        assertEquals(Duration.ofSeconds(60), s.retryAfterCap());
        assertEquals(Duration.ofSeconds(1), s.backoffInitial());
        assertEquals(Duration.ofSeconds(16), s.backoffMax());
        assertEquals(Duration.ofSeconds(1), s.backoffJitter());
        assertEquals(Duration.ofSeconds(30), s.credentialRecheck());
        assertEquals("dreamina.tasks", s.inputTopic());
        assertEquals("dreamina.videos", s.outputTopic());
        assertEquals("dreamina.tasks.dlq", s.deadLetterTopic());
        assertEquals("dreamina.tasks.pending", s.pendingTopic());
        assertEquals(6, s.pendingPartitions());
        assertEquals((short) -1, s.pendingReplicationFactor());
        assertEquals("dreamina-bridge", s.consumerGroup());
        assertEquals("dreamina-bridge.pending", s.pendingConsumerGroup());
        assertEquals(Duration.ofSeconds(5), s.pollInterval());
        assertEquals(Duration.ofMinutes(15), s.maxWait());
        assertEquals(50, s.batchSize());
        assertEquals(Duration.ofSeconds(1), s.errorPause());
        assertEquals(Duration.ofDays(7), s.pendingRetention());
    }

    /**
     * No default is written twice: a key missing from the properties (an operator deleted its line) stops the start
     * with one line naming it, instead of a value hidden in Java. The token alone has no default.
     */
    @Test
    void aKeyNoSourceSetsIsNamedAndTheTokenAloneMayBeAbsent() {
        Properties withoutInterval = OnlySettings.defaults();
        withoutInterval.remove("dreamina.poll.interval");
        SettingException missing = assertThrows(SettingException.class,
                () -> OnlySettings.readExactly(context, withoutInterval, BridgeSettings::from));
        assertEquals("dreamina.poll.interval", missing.key());
        assertTrue(missing.getMessage().contains("is not set"), missing.getMessage());

        assertFalse(OnlySettings.defaults().containsKey("dreamina.api.token"), "the token never sits in a file");
        assertFalse(OnlySettings.readExactly(context, OnlySettings.defaults(), BridgeSettings::from).hasToken());
    }

    @Test
    void overridesAreParsed() {
        BridgeSettings s = settings(Map.ofEntries(
                Map.entry("dreamina.api.base-url", "  http://localhost:8089  "),
                Map.entry("dreamina.api.token", "sk-secret-123"),
                Map.entry("dreamina.api.max-requests-per-second", " 20 "),
                Map.entry("dreamina.api.connect-timeout", "500ms"),
                Map.entry("dreamina.api.read-timeout", "PT2S"),
                Map.entry("dreamina.api.retry-after-cap", "2m"),
                Map.entry("dreamina.api.backoff.initial", "250"),
                Map.entry("dreamina.api.backoff.max", "8s"),
                Map.entry("dreamina.api.backoff.jitter", "0ms"),
                Map.entry("dreamina.api.credential-recheck", "1h"),
                Map.entry("dreamina.topic.input", "in"),
                Map.entry("dreamina.topic.output", "out"),
                Map.entry("dreamina.topic.dead-letter", "dlq"),
                Map.entry("dreamina.topic.pending", "pending"),
                Map.entry("dreamina.topic.pending.partitions", "12"),
                Map.entry("dreamina.topic.pending.replication-factor", "3"),
                Map.entry("dreamina.consumer.group", "team-a"),
                Map.entry("dreamina.poll.interval", "500ms"),
                Map.entry("dreamina.poll.max-wait", "10m"),
                Map.entry("dreamina.poll.batch-size", "7"),
                Map.entry("dreamina.poll.error-pause", "1d"),
                Map.entry("dreamina.topic.pending.retention", "2h")));

        assertEquals("http://localhost:8089", s.apiBaseUrl());
        assertEquals("sk-secret-123", s.apiToken());
        assertTrue(s.hasToken());
        assertEquals(20, s.maxRequestsPerSecond());
        assertEquals(Duration.ofMillis(500), s.connectTimeout());
        assertEquals(Duration.ofSeconds(2), s.readTimeout());
        assertEquals(Duration.ofMinutes(2), s.retryAfterCap());
        assertEquals(Duration.ofMillis(250), s.backoffInitial());
        assertEquals(Duration.ofSeconds(8), s.backoffMax());
        assertEquals(Duration.ZERO, s.backoffJitter());
        assertEquals(Duration.ofHours(1), s.credentialRecheck());
        assertEquals("in", s.inputTopic());
        assertEquals("out", s.outputTopic());
        assertEquals("dlq", s.deadLetterTopic());
        assertEquals("pending", s.pendingTopic());
        assertEquals(12, s.pendingPartitions());
        assertEquals((short) 3, s.pendingReplicationFactor());
        assertEquals("team-a", s.consumerGroup());
        assertEquals("team-a.pending", s.pendingConsumerGroup());
        assertEquals(Duration.ofMillis(500), s.pollInterval());
        assertEquals(Duration.ofMinutes(10), s.maxWait());
        assertEquals(7, s.batchSize());
        assertEquals(Duration.ofDays(1), s.errorPause());
        assertEquals(Duration.ofHours(2), s.pendingRetention());
    }

    @Test
    void placeholdersInValuesAreResolved() {
        BridgeSettings s = settings(Map.of("base.minutes", "10", "dreamina.poll.max-wait", "{{base.minutes}}m"));
        assertEquals(Duration.ofMinutes(10), s.maxWait());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dreamina.poll.interval | soon",
            "dreamina.poll.interval | 5 s",
            "dreamina.poll.interval | -5s",
            "dreamina.poll.interval | ''",
            "dreamina.poll.max-wait | 10min",
            "dreamina.poll.max-wait | PT",
            "dreamina.api.connect-timeout | 5S",
            "dreamina.api.read-timeout | 1.5s",
            "dreamina.api.retry-after-cap | 99999999999999999999s",
            "dreamina.api.backoff.initial | fast",
            "dreamina.api.backoff.max | x",
            "dreamina.api.backoff.jitter | 1w",
            "dreamina.api.credential-recheck | never",
            "dreamina.poll.error-pause | 1 s",
            "dreamina.api.max-requests-per-second | fifty",
            "dreamina.api.max-requests-per-second | 0",
            "dreamina.api.max-requests-per-second | -3",
            "dreamina.api.max-requests-per-second | 2.5",
            "dreamina.api.max-requests-per-second | 99999999999",
            "dreamina.topic.pending.partitions | 0",
            "dreamina.topic.pending.partitions | six",
            "dreamina.topic.pending.replication-factor | three",
            "dreamina.topic.pending.replication-factor | ''",
            "dreamina.poll.batch-size | 0",
            "dreamina.poll.batch-size | ''",
            // 6.10: values that parse but break something silently
            "dreamina.api.read-timeout | 0",
            "dreamina.api.read-timeout | 0s",
            "dreamina.api.connect-timeout | PT0S",
            "dreamina.poll.interval | 0ms",
            "dreamina.poll.max-wait | 0",
            "dreamina.poll.error-pause | 0",
            "dreamina.api.credential-recheck | 0s",
            "dreamina.api.retry-after-cap | 0",
            "dreamina.api.backoff.initial | 0",
            "dreamina.api.backoff.max | 0",
            "dreamina.poll.interval | 366d",
            "dreamina.topic.pending.retention | 0",
            "dreamina.topic.pending.retention | 1m",
            "dreamina.poll.batch-size | 101",
            "dreamina.poll.batch-size | -1",
            "dreamina.topic.pending.replication-factor | 0",
            "dreamina.api.base-url | api.acedata.cloud",
            "dreamina.api.base-url | ftp://api.acedata.cloud",
            "dreamina.api.base-url | https://",
            "dreamina.api.base-url | https:///path",
            "dreamina.api.base-url | https://api.acedata.cloud/",
            "dreamina.api.base-url | https://api.acedata.cloud?x=1",
            "dreamina.api.base-url | https://api.acedata.cloud#top",
            "dreamina.api.base-url | https://api.acedata.cloud:port",
            "dreamina.api.base-url | https://api acedata.cloud",
            "dreamina.api.base-url | ''",
            "dreamina.topic.input | ''",
            "dreamina.topic.input | two words",
            "dreamina.topic.output | ..",
            "dreamina.consumer.group | ''",
            "dreamina.ingest.consumers | 0",
            "dreamina.ingest.max-poll-records | many",
            "dreamina.kafka.write-retries | -1",
            "dreamina.kafka.write-retry-delay-ms | 1s",
            "dreamina.local.sample-tasks | -2"
    })
    void invalidValueNamesItsKeyAndEnvironmentVariable(String key, String value) {
        SettingException e = assertThrows(SettingException.class, () -> settings(Map.of(key, value)));
        assertEquals(key, e.key());
        String variable = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        assertTrue(e.getMessage().startsWith(key + " (environment variable " + variable + "): "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void baseUrlWithUserInfoIsRefusedWithoutRepeatingIt() {
        SettingException e = assertThrows(SettingException.class,
                () -> settings(Map.of("dreamina.api.base-url", "https://user:hunter2@api.acedata.cloud")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("user information"), e.getMessage());
    }

    @Test
    void baseUrlWithAPathPrefixIsFine() {
        assertEquals("http://gateway.local:8080/proxy",
                settings(Map.of("dreamina.api.base-url", "http://gateway.local:8080/proxy")).apiBaseUrl());
    }

    @Test
    void batchSizeRangeIsOneToOneHundred() {
        assertEquals(1, settings(Map.of("dreamina.poll.batch-size", "1")).batchSize());
        assertEquals(100, settings(Map.of("dreamina.poll.batch-size", "100")).batchSize());
        SettingException e = assertThrows(SettingException.class,
                () -> settings(Map.of("dreamina.poll.batch-size", "101")));
        assertEquals("dreamina.poll.batch-size (environment variable DREAMINA_POLL_BATCH_SIZE): must be from 1 to "
                + "100, not 101", e.getMessage());
    }

    @Test
    void zeroReadTimeoutIsRefusedInOneLine() {
        SettingException e = assertThrows(SettingException.class,
                () -> settings(Map.of("dreamina.api.read-timeout", "0")));
        assertEquals("dreamina.api.read-timeout (environment variable DREAMINA_API_READ_TIMEOUT): must be longer "
                + "than 0, not '0'", e.getMessage());
    }

    @Test
    void jitterZeroMeansNone() {
        assertEquals(Duration.ZERO, settings(Map.of("dreamina.api.backoff.jitter", "0")).backoffJitter());
    }

    @Test
    void relationsBetweenSettingsAreChecked() {
        assertEquals("dreamina.api.backoff.max", assertThrows(SettingException.class, () -> settings(Map.of(
                "dreamina.api.backoff.initial", "5s", "dreamina.api.backoff.max", "2s"))).key());
        assertEquals("dreamina.poll.max-wait", assertThrows(SettingException.class, () -> settings(Map.of(
                "dreamina.poll.interval", "10m", "dreamina.poll.max-wait", "5m"))).key());
        assertEquals("dreamina.topic.pending.retention", assertThrows(SettingException.class, () -> settings(Map.of(
                "dreamina.poll.max-wait", "2d", "dreamina.topic.pending.retention", "1d"))).key());
        SettingException same = assertThrows(SettingException.class, () -> settings(Map.of(
                "dreamina.topic.pending", "dreamina.tasks")));
        assertEquals("dreamina.topic.pending", same.key());
        assertTrue(same.getMessage().contains("must differ from dreamina.topic.input"), same.getMessage());
        assertEquals("dreamina.topic.dead-letter", assertThrows(SettingException.class, () -> settings(Map.of(
                "dreamina.topic.dead-letter", "dreamina.videos"))).key());
    }

    @ParameterizedTest
    @CsvSource({"70000", "32768", "-40000"})
    void replicationFactorOutOfShortRangeNamesItsKey(String value) {
        String key = "dreamina.topic.pending.replication-factor";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void toStringNeverShowsTheToken() {
        BridgeSettings withToken = settings(Map.of("dreamina.api.token", "sk-very-secret-token-42"));
        String text = withToken.toString();
        assertFalse(text.contains("sk-very-secret-token-42"), text);
        assertFalse(text.contains("very-secret"), text);
        assertTrue(text.contains("(set)"), text);

        assertTrue(settings(Map.of()).toString().contains("(unset)"));
    }

    @Test
    void blankTokenIsNoToken() {
        BridgeSettings s = settings(Map.of("dreamina.api.token", "   "));
        assertFalse(s.hasToken());
        assertTrue(s.toString().contains("(unset)"));
    }
}
