package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.config.SettingException;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operations settings, read from the project's own config/application.properties (where their defaults are). */
class ObserveSettingsTest {

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

    private static ObserveSettings settings(Properties initial) {
        PropertiesComponent properties = new PropertiesComponent();
        properties.setCamelContext(context);
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.setInitialProperties(initial);
        properties.start();
        try {
            return ObserveSettings.from(properties);
        } finally {
            properties.stop();
        }
    }

    private static Properties defaults() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config", "application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    @Test
    void theDefaultsFitAnOrchestrator() throws IOException {
        ObserveSettings settings = settings(defaults());
        assertTrue(settings.managementEnabled());
        assertEquals("0.0.0.0", settings.managementHost());
        assertEquals(9402, settings.managementPort());
        assertEquals(Duration.ofSeconds(30), settings.progressInterval());
        assertEquals(Duration.ofMinutes(5), settings.schedulerStall());
        assertEquals(Duration.ofMinutes(2), settings.apiUnavailableMax());
        assertEquals(Duration.ofSeconds(15), settings.kafkaProbeInterval());
        assertEquals(Duration.ofSeconds(5), settings.kafkaProbeTimeout());
    }

    @Test
    void theShutdownBoundsEndWithinThirtySeconds() throws IOException {
        Properties defaults = defaults();
        int routes = Integer.parseInt(defaults.getProperty("camel.main.shutdown-timeout").replaceAll("\\D*:?(\\d+)}}", "$1"));
        int extra = Integer.parseInt(defaults.getProperty("camel.main.extra-shutdown-timeout")
                .replaceAll("\\D*:?(\\d+)}}", "$1"));
        int schedulerStop = 10;
        assertTrue(schedulerStop + routes + extra < 30, "scheduler " + schedulerStop + " + routes " + routes
                + " + extra " + extra);
    }

    @Test
    void progressCanBeSwitchedOffAndABadValueIsNamedWithItsVariable() throws IOException {
        Properties values = defaults();
        values.setProperty("dreamina.log.progress-interval", "0");
        assertEquals(Duration.ZERO, settings(values).progressInterval());
        values.setProperty("dreamina.health.scheduler-stall", "0");
        SettingException bad = assertThrows(SettingException.class, () -> settings(values));
        assertTrue(bad.getMessage().startsWith("dreamina.health.scheduler-stall (environment variable "
                + "DREAMINA_HEALTH_SCHEDULER_STALL)"), bad.getMessage());
    }
}
