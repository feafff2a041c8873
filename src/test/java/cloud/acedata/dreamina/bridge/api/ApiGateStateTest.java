package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.support.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ApiGate#state()}: what metrics and health read, without changing what the gate decides. */
class ApiGateStateTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ApiGate gate = new ApiGate(clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16),
            Duration.ZERO, new SplittableRandom(3)), Duration.ofSeconds(60), Duration.ofSeconds(30));

    @Test
    void backingOffWhileNoRequestMayGoOut() {
        assertEquals(ApiGate.State.OPEN, gate.state());
        gate.transientFailure("HTTP 500", Optional.empty());
        assertEquals(ApiGate.State.BACKING_OFF, gate.state());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(ApiGate.State.OPEN, gate.state(), "the next attempt may go out");
    }

    @Test
    void pausedWhileTheTokenIsRefused() {
        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(ApiGate.State.PAUSED, gate.state());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(ApiGate.State.PAUSED, gate.state());
        gate.succeeded();
        assertEquals(ApiGate.State.OPEN, gate.state());
    }
}
