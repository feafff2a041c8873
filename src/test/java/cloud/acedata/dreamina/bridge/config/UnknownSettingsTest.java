package cloud.acedata.dreamina.bridge.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnknownSettingsTest {

    private final UnknownSettings documented = UnknownSettings.documented();

    private static Properties system(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void theDocumentedKeysAreTheOnesOfThePropertiesFileCommentedOutOnesIncluded() {
        Set<String> keys = UnknownSettings.documentedKeys("""
                # Intro mentioning dreamina.poll.interval in prose is not a key
                dreamina.poll.interval = 5s
                # dreamina.api.token =
                dreamina.topic.pending.retention=7d
                camel.main.name = x
                """);
        assertEquals(Set.of("dreamina.poll.interval", "dreamina.api.token", "dreamina.topic.pending.retention"), keys);
    }

    @Test
    void everyKeyOfTheShippedFileIsKnownAndTheTokenToo() {
        assertDoesNotThrow(() -> documented.requireNone(
                List.of("dreamina.poll.interval", "dreamina.topic.pending.retention", "dreamina.api.token"),
                system("dreamina.api.backoff.jitter", "0", "user.home", "/home/x"),
                Map.of("DREAMINA_API_TOKEN", "t", "DREAMINA_POLL_MAX_WAIT", "1m", "PATH", "/bin")));
    }

    @Test
    void loggingAndKubernetesVariablesAreNotSettings() {
        assertDoesNotThrow(() -> documented.requireNone(List.of(), system(), Map.of(
                "DREAMINA_LOG_LEVEL", "DEBUG", "DREAMINA_HTTP_LOG_LEVEL", "DEBUG", "DREAMINA_LOG_FORMAT", "json",
                "DREAMINA_SERVICE_HOST", "10.0.0.1", "DREAMINA_SERVICE_PORT", "80", "DREAMINA_PORT", "tcp://x:80",
                "DREAMINA_PORT_80_TCP_ADDR", "10.0.0.1")));
    }

    @Test
    void aTypoInAnEnvironmentVariableIsNamedWithItsVariable() {
        SettingException e = assertThrows(SettingException.class, () -> documented.requireNone(List.of(), system(),
                Map.of("DREAMINA_POLL_INTERVALL", "1s")));
        assertEquals("dreamina.poll.intervall", e.key());
        assertTrue(e.getMessage().startsWith("unknown setting dreamina.poll.intervall (environment variable "
                + "DREAMINA_POLL_INTERVALL): not a key of dreamina-bridge"), e.getMessage());
        assertFalse(e.getMessage().contains("1s"), "values are never repeated: " + e.getMessage());
    }

    @Test
    void typosInFilesAndSystemPropertiesAreAllNamedInOneLine() {
        SettingException e = assertThrows(SettingException.class, () -> documented.requireNone(
                List.of("dreamina.poll.batchsize"), system("dreamina.api.tokn", "secret-value"), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown settings dreamina.api.tokn (environment variable "
                + "DREAMINA_API_TOKN), dreamina.poll.batchsize (environment variable DREAMINA_POLL_BATCHSIZE): "),
                e.getMessage());
        assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
