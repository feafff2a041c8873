package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import org.apache.camel.health.HealthCheckResultBuilder;

import java.time.Duration;
import java.util.Map;

/**
 * Readiness as far as the Tasks API goes: DOWN while the API refuses the token (the gate is paused), and while the
 * API has given no normal answer (429, 5xx, I/O errors only) for longer than {@code dreamina.health.api-unavailable-max}.
 */
public final class ApiHealthCheck extends ReadinessCheck {

    private final ApiGateWatch watch;
    private final ApiAvailability availability;
    private final Duration unavailableMax;

    public ApiHealthCheck(ApiGateWatch watch, ApiAvailability availability, Duration unavailableMax) {
        super("dreamina-api");
        this.watch = watch;
        this.availability = availability;
        this.unavailableMax = unavailableMax;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ApiGateWatch.Observed gate = watch.observe();
        Duration failing = availability.failingFor();
        builder.detail("gate.state", BridgeMetrics.label(gate.state()));
        builder.detail("gate.state.seconds", gate.lasted().toSeconds());
        builder.detail("api.failing.seconds", failing.toSeconds());
        if (gate.state() == ApiGate.State.PAUSED) {
            builder.message("the Tasks API refuses the token").down();
        } else if (failing.compareTo(unavailableMax) > 0) {
            builder.message("the Tasks API has been unavailable for more than " + unavailableMax.toSeconds() + " s")
                    .down();
        } else {
            builder.up();
        }
    }
}
