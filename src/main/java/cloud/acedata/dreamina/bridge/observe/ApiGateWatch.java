package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Since when the API gate has been in its current state, observed from outside (the gate's logic stays its own):
 * {@link #observe()} is called every second by the observer thread and by each health check.
 */
public final class ApiGateWatch {

    private final ApiGate gate;
    private final Clock clock;
    private ApiGate.State state;
    private Instant since;

    public ApiGateWatch(ApiGate gate, Clock clock) {
        this.gate = gate;
        this.clock = clock;
    }

    /** @return the current state and how long it has lasted */
    public synchronized Observed observe() {
        ApiGate.State now = gate.state();
        Instant at = clock.instant();
        if (now != state) {
            state = now;
            since = at;
        }
        return new Observed(state, Duration.between(since, at));
    }

    public record Observed(ApiGate.State state, Duration lasted) {
    }
}
