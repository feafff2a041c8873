package cloud.acedata.dreamina.bridge.observe;

import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;

/** Readiness as far as the broker goes: DOWN until the lag probe got an answer, and whenever its last run failed. */
public final class KafkaHealthCheck extends ReadinessCheck {

    private final PendingLagProbe probe;

    public KafkaHealthCheck(PendingLagProbe probe) {
        super("dreamina-kafka");
        this.probe = probe;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String failure = probe.lastFailure();
        if (probe.lastSuccess() != null) {
            builder.detail("last.answer", probe.lastSuccess().toString());
        }
        if (failure != null) {
            builder.message("Kafka broker unreachable: " + failure).down();
        } else {
            builder.up();
        }
    }
}
