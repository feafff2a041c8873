package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.config.SettingReader;
import org.apache.camel.LoggingLevel;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Arrays;

/**
 * The operations settings ({@code dreamina.management.*}, {@code dreamina.health.*}, {@code dreamina.log.*}), checked
 * like every setting ({@link SettingReader}: a bad one stops the start with one line); their defaults are in
 * {@code config/application.properties}. {@code taskDoneLevel} is the level of the publish-video route's line per task
 * (the route reads the setting itself; it is checked here, before the routes are built, so that a bad value stops the
 * start with one line that names it).
 */
public record ObserveSettings(boolean managementEnabled, String managementHost, int managementPort,
                              Duration progressInterval, LoggingLevel taskDoneLevel, Duration schedulerStall,
                              Duration apiUnavailableMax, Duration kafkaProbeInterval, Duration kafkaProbeTimeout) {

    public static ObserveSettings from(PropertiesComponent properties) {
        SettingReader r = new SettingReader(properties);
        return new ObserveSettings(
                bool(r, "dreamina.management.enabled"),
                r.nonBlank("dreamina.management.host"),
                r.intInRange("dreamina.management.port", 0, 65_535),
                r.durationOrOff("dreamina.log.progress-interval"),
                level(r, "dreamina.log.task-done-level"),
                r.positiveDuration("dreamina.health.scheduler-stall"),
                r.positiveDuration("dreamina.health.api-unavailable-max"),
                r.positiveDuration("dreamina.health.kafka-probe-interval"),
                r.positiveDuration("dreamina.health.kafka-probe-timeout"));
    }

    private static boolean bool(SettingReader r, String key) {
        String value = r.text(key);
        if (!value.equals("true") && !value.equals("false")) {
            throw new SettingException(key, "must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static LoggingLevel level(SettingReader r, String key) {
        String value = r.text(key);
        try {
            return LoggingLevel.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new SettingException(key, "must be one of " + Arrays.toString(LoggingLevel.values()) + ", not '"
                    + value + "'");
        }
    }
}
