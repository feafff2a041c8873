package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.support.TestClock;
import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.Backoff;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API readiness check: the gate's state, and how long the API has given no normal answer. */
class ApiGateWatchTest {

    private final TestClock clock = new TestClock();
    private final ApiGate gate = new ApiGate(clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16),
            Duration.ZERO, new SplittableRandom(1)), Duration.ofSeconds(60), Duration.ofSeconds(30));
    private final ApiGateWatch watch = new ApiGateWatch(gate, clock);
    private final ApiAvailability availability = new ApiAvailability(clock);
    private final ApiHealthCheck check = new ApiHealthCheck(watch, availability, Duration.ofMinutes(2));

    @Test
    void aShortOutageKeepsTheBridgeReadyALongOneDoesNotEvenWhenTheGateReopensBetweenAttempts() {
        assertEquals(HealthCheck.State.UP, check.call().getState());
        availability.answered(503);
        gate.transientFailure("HTTP 503", Optional.empty());
        clock.advance(Duration.ofSeconds(90));
        availability.answered(0);
        HealthCheck.Result shortOne = check.call();
        assertEquals(HealthCheck.State.UP, shortOne.getState());
        assertEquals("open", shortOne.getDetails().get("gate.state"), "the backoff has passed");
        assertEquals(90L, shortOne.getDetails().get("api.failing.seconds"));

        clock.advance(Duration.ofSeconds(31));
        availability.answered(429);
        HealthCheck.Result longOne = check.call();
        assertEquals(HealthCheck.State.DOWN, longOne.getState());
        assertTrue(longOne.getMessage().orElseThrow().contains("unavailable for more than 120 s"));

        availability.answered(404);
        assertEquals(HealthCheck.State.UP, check.call().getState(), "a refusal of one request is an answer");
    }

    @Test
    void aRefusedTokenIsNotReadyAtOnce() {
        gate.credentialRejected("HTTP 403 disabled");
        HealthCheck.Result result = check.call();
        assertEquals(HealthCheck.State.DOWN, result.getState());
        assertEquals("the Tasks API refuses the token", result.getMessage().orElseThrow());
        assertEquals("paused", result.getDetails().get("gate.state"));
    }

    @Test
    void theWatchTimesEachStateFromItsStart() {
        assertEquals(ApiGate.State.OPEN, watch.observe().state());
        clock.advance(Duration.ofSeconds(7));
        assertEquals(Duration.ofSeconds(7), watch.observe().lasted());
        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(new ApiGateWatch.Observed(ApiGate.State.PAUSED, Duration.ZERO), watch.observe());
    }

    @Test
    void whatCountsAsANormalAnswer() {
        for (int status : new int[] {200, 204, 400, 404, 422}) {
            assertTrue(ApiAvailability.isNormal(status), String.valueOf(status));
        }
        for (int status : new int[] {0, 302, 401, 403, 429, 500, 503}) {
            assertTrue(!ApiAvailability.isNormal(status), String.valueOf(status));
        }
    }
}
