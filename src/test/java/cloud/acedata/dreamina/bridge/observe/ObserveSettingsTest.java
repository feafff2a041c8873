package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.support.OnlySettings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static ObserveSettings settings(Properties values) {
        return OnlySettings.readExactly(context, values, ObserveSettings::from);
    }

    private static Properties defaults() {
        return OnlySettings.defaults();
    }

    @Test
    void theDefaultsFitAnOrchestrator() {
        ObserveSettings settings = settings(defaults());
        assertTrue(settings.managementEnabled());
        assertEquals("0.0.0.0", settings.managementHost());
        assertEquals(9402, settings.managementPort());
        assertEquals(Duration.ofSeconds(30), settings.progressInterval());
        assertEquals(LoggingLevel.DEBUG, settings.taskDoneLevel(), "no line per task unless asked for");
        assertEquals(Duration.ofMinutes(5), settings.schedulerStall());
        assertEquals(Duration.ofMinutes(2), settings.apiUnavailableMax());
        assertEquals(Duration.ofSeconds(15), settings.kafkaProbeInterval());
        assertEquals(Duration.ofSeconds(5), settings.kafkaProbeTimeout());
    }

    @Test
    void theShutdownBoundsEndWithinThirtySeconds() {
        Properties defaults = defaults();
        int routes = Integer.parseInt(defaults.getProperty("camel.main.shutdown-timeout").replaceAll("\\D*:?(\\d+)}}", "$1"));
        int extra = Integer.parseInt(defaults.getProperty("camel.main.extra-shutdown-timeout")
                .replaceAll("\\D*:?(\\d+)}}", "$1"));
        int schedulerStop = 10;
        assertTrue(schedulerStop + routes + extra < 30, "scheduler " + schedulerStop + " + routes " + routes
                + " + extra " + extra);
    }

    @Test
    void progressCanBeSwitchedOffAndABadValueIsNamedWithItsVariable() {
        Properties values = defaults();
        values.setProperty("dreamina.log.progress-interval", "0");
        assertEquals(Duration.ZERO, settings(values).progressInterval());
        values.setProperty("dreamina.health.scheduler-stall", "0");
        SettingException bad = assertThrows(SettingException.class, () -> settings(values));
        assertTrue(bad.getMessage().startsWith("dreamina.health.scheduler-stall (environment variable "
                + "DREAMINA_HEALTH_SCHEDULER_STALL)"), bad.getMessage());
    }

    @Test
    void theLinePerTaskTakesALevelByItsNameAndRefusesAnyOther() {
        Properties values = defaults();
        values.setProperty("dreamina.log.task-done-level", "INFO");
        assertEquals(LoggingLevel.INFO, settings(values).taskDoneLevel());
        values.setProperty("dreamina.log.task-done-level", "verbose");
        SettingException bad = assertThrows(SettingException.class, () -> settings(values));
        assertTrue(bad.getMessage().startsWith("dreamina.log.task-done-level (environment variable "
                + "DREAMINA_LOG_TASK_DONE_LEVEL)"), bad.getMessage());
        assertTrue(bad.getMessage().contains("must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF]"),
                bad.getMessage());
    }
}
