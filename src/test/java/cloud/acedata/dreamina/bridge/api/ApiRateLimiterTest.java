package cloud.acedata.dreamina.bridge.api;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock that moves only when told to. */
    private static final class FakeClock implements TimeMeter {
        long nanos = 1_234_567_890L;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    /** Waiting on the fake clock: parking moves it forward by exactly the time asked for. */
    private static BlockingStrategy advancing(FakeClock clock) {
        return nanos -> clock.nanos += nanos;
    }

    /** The largest number of grant times that fit in any closed window [t, t + 1 s]. */
    private static int maxInAnyClosedSecond(List<Long> grants) {
        int max = 0;
        int start = 0;
        for (int end = 0; end < grants.size(); end++) {
            while (grants.get(end) - grants.get(start) > SECOND) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }

    /** Calls tryAcquire at every step of the fake clock for the simulated span; returns the times it succeeded. */
    private static List<Long> pollEvery(long stepNanos, long spanNanos, FakeClock clock, ApiRateLimiter limiter) {
        List<Long> grants = new ArrayList<>();
        long end = clock.nanos + spanNanos;
        for (; clock.nanos <= end; clock.nanos += stepNanos) {
            while (limiter.tryAcquire()) {
                grants.add(clock.nanos);
            }
        }
        return grants;
    }

    /** The limiter's allowance for the time between a grant and the request on the wire. */
    private static final long SEND_JITTER = 50_000_000L;

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 50, 60, 1000})
    void tokensAreSpacedSoThatNSpanMoreThanASecond(int n) {
        long period = ApiRateLimiter.refillPeriod(n).toNanos();
        assertTrue(period * n > SECOND + SEND_JITTER, "N periods exceed one second plus the send allowance");
        assertTrue(period * (n - 1) < SECOND + SEND_JITTER, "N grants fit in one second plus the allowance");
    }

    @ParameterizedTest
    @ValueSource(longs = {1_000, 999_983, 16_666_667, 16_666_668, 50_000_000})
    void tryAcquireNeverAllowsMoreThanSixtyInAnySecond(long stepNanos) {
        FakeClock clock = new FakeClock();
        ApiRateLimiter limiter = new ApiRateLimiter(60, clock);
        List<Long> grants = pollEvery(stepNanos, 5 * SECOND, clock, limiter);
        assertTrue(maxInAnyClosedSecond(grants) <= 60, "max per second: " + maxInAnyClosedSecond(grants));
    }

    @Test
    void sixtyAreAvailableInASimulatedSecond() {
        FakeClock clock = new FakeClock();
        ApiRateLimiter limiter = new ApiRateLimiter(60, clock);
        List<Long> grants = pollEvery(1_000, 10 * SECOND, clock, limiter);
        assertTrue(maxInAnyClosedSecond(grants) >= 57, "close to 60 per second: " + maxInAnyClosedSecond(grants));
        assertTrue(grants.size() >= 570, "grants over 10 s: " + grants.size());
    }

    @Test
    void noBurstAfterIdling() {
        FakeClock clock = new FakeClock();
        ApiRateLimiter limiter = new ApiRateLimiter(60, clock);
        clock.nanos += 3_600 * SECOND;
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50, 60})
    void acquireWaitsJustLongEnough(int n) throws InterruptedException {
        FakeClock clock = new FakeClock();
        ApiRateLimiter limiter = new ApiRateLimiter(n, clock, advancing(clock));
        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 5 * n + 1; i++) {
            limiter.acquire();
            grants.add(clock.nanos);
        }
        // the most eager caller possible: never N+1 in a second, even counting both window ends, and N grants
        // span more than a second plus the send allowance (so the API never sees more than N)
        assertTrue(maxInAnyClosedSecond(grants) <= n);
        for (int i = 0; i + n < grants.size(); i++) {
            assertTrue(grants.get(i + n) - grants.get(i) > SECOND + SEND_JITTER);
        }
        assertTrue(grants.get(n - 1) - grants.get(0) < SECOND + SEND_JITTER, "N grants fit in 1.05 s");
    }

    @Test
    void tryAcquireFailsRightAfterAcquire() throws InterruptedException {
        FakeClock clock = new FakeClock();
        ApiRateLimiter limiter = new ApiRateLimiter(60, clock, advancing(clock));
        limiter.acquire();
        assertFalse(limiter.tryAcquire());
        clock.nanos += ApiRateLimiter.refillPeriod(60).toNanos() - 1;
        assertFalse(limiter.tryAcquire());
        clock.nanos += 1;
        assertTrue(limiter.tryAcquire());
    }

    @Test
    void reportsItsLimit() {
        assertEquals(60, new ApiRateLimiter(60).maxRequestsPerSecond());
    }

    @Test
    void limitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ApiRateLimiter(0));
        assertThrows(IllegalArgumentException.class, () -> new ApiRateLimiter(-1));
    }
}
