package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.Durations;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;

/**
 * The operations settings ({@code dreamina.management.*}, {@code dreamina.health.*}, {@code dreamina.log.*}); their
 * defaults are in {@code config/application.properties}.
 */
public record ObserveSettings(boolean managementEnabled, String managementHost, int managementPort,
                              Duration progressInterval, Duration schedulerStall, Duration apiUnavailableMax,
                              Duration kafkaProbeInterval, Duration kafkaProbeTimeout) {

    public static ObserveSettings from(PropertiesComponent properties) {
        Reader r = new Reader(properties);
        return new ObserveSettings(
                Boolean.parseBoolean(r.get("dreamina.management.enabled")),
                r.get("dreamina.management.host"),
                Integer.parseInt(r.get("dreamina.management.port")),
                Durations.parse(r.get("dreamina.log.progress-interval")),
                Durations.parse(r.get("dreamina.health.scheduler-stall")),
                Durations.parse(r.get("dreamina.health.api-unavailable-max")),
                Durations.parse(r.get("dreamina.health.kafka-probe-interval")),
                Durations.parse(r.get("dreamina.health.kafka-probe-timeout")));
    }

    private record Reader(PropertiesComponent properties) {
        String get(String key) {
            return properties.resolveProperty(key).map(String::trim)
                    .orElseThrow(() -> new IllegalStateException(key + " is not set (its default is in "
                            + "config/application.properties)"));
        }
    }
}
