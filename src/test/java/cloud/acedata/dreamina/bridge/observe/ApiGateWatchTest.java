package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.Backoff;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How long the gate has been in its state, and the API readiness check built on it. */
class ApiGateWatchTest {

    private final MutableClock clock = new MutableClock();
    private final ApiGate gate = new ApiGate(clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16),
            Duration.ZERO, new SplittableRandom(1)), Duration.ofSeconds(60), Duration.ofSeconds(30));
    private final ApiGateWatch watch = new ApiGateWatch(gate, clock);
    private final ApiHealthCheck check = new ApiHealthCheck(watch, Duration.ofMinutes(2));

    @Test
    void aShortBackoffKeepsTheBridgeReadyALongOneDoesNot() {
        assertEquals(HealthCheck.State.UP, check.call().getState());
        gate.transientFailure("HTTP 503", Optional.empty());
        watch.observe();
        clock.advance(Duration.ofSeconds(90));
        gate.transientFailure("HTTP 503", Optional.empty());
        HealthCheck.Result shortOne = check.call();
        assertEquals(HealthCheck.State.UP, shortOne.getState());
        assertEquals("backing_off", shortOne.getDetails().get("gate.state"));
        assertEquals(90L, shortOne.getDetails().get("gate.state.seconds"));

        clock.advance(Duration.ofSeconds(31));
        HealthCheck.Result longOne = check.call();
        assertEquals(HealthCheck.State.DOWN, longOne.getState());
        assertTrue(longOne.getMessage().orElseThrow().contains("unavailable for more than 120 s"));

        gate.succeeded();
        assertEquals(HealthCheck.State.UP, check.call().getState());
        assertEquals(Duration.ZERO, watch.observe().lasted(), "a new state starts its own time");
    }

    @Test
    void aRefusedTokenIsNotReadyAtOnce() {
        gate.credentialRejected("HTTP 403 disabled");
        HealthCheck.Result result = check.call();
        assertEquals(HealthCheck.State.DOWN, result.getState());
        assertEquals("the Tasks API refuses the token", result.getMessage().orElseThrow());
        assertEquals("paused", result.getDetails().get("gate.state"));
    }
}
