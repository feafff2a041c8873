package cloud.acedata.dreamina.bridge.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    /** Always draws the lowest value (no jitter). */
    private static final RandomGenerator LOWEST = new FixedDraw(false);
    /** Always draws the highest value (full jitter). */
    private static final RandomGenerator HIGHEST = new FixedDraw(true);

    private static final class FixedDraw implements RandomGenerator {
        private final boolean highest;

        FixedDraw(boolean highest) {
            this.highest = highest;
        }

        @Override
        public long nextLong() {
            return highest ? Long.MAX_VALUE : 0;
        }

        @Override
        public long nextLong(long bound) {
            return highest ? bound - 1 : 0;
        }
    }

    @Test
    void vendorScheduleWithoutJitter() {
        Backoff backoff = Backoff.vendorDefault(LOWEST);
        assertEquals(Duration.ofSeconds(1), backoff.delay(1));
        assertEquals(Duration.ofSeconds(2), backoff.delay(2));
        assertEquals(Duration.ofSeconds(4), backoff.delay(3));
        assertEquals(Duration.ofSeconds(8), backoff.delay(4));
        assertEquals(Duration.ofSeconds(16), backoff.delay(5));
        assertEquals(Duration.ofSeconds(16), backoff.delay(6));
    }

    @Test
    void vendorScheduleWithFullJitter() {
        Backoff backoff = Backoff.vendorDefault(HIGHEST);
        assertEquals(Duration.ofSeconds(2), backoff.delay(1));
        assertEquals(Duration.ofSeconds(5), backoff.delay(3));
        assertEquals(Duration.ofSeconds(17), backoff.delay(9));
    }

    @Test
    void seededJitterStaysWithinBounds() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), SECOND, new SplittableRandom(42));
        for (int attempt = 1; attempt <= 40; attempt++) {
            Duration base = Duration.ofMillis(500).multipliedBy(1L << Math.min(attempt - 1, 20));
            if (base.compareTo(Duration.ofSeconds(30)) > 0) {
                base = Duration.ofSeconds(30);
            }
            for (int draw = 0; draw < 50; draw++) {
                Duration delay = backoff.delay(attempt);
                assertTrue(delay.compareTo(base) >= 0, attempt + ": " + delay);
                assertTrue(delay.compareTo(base.plus(SECOND)) <= 0, attempt + ": " + delay);
            }
        }
    }

    @Test
    void seededJitterIsSpread() {
        Backoff backoff = new Backoff(SECOND, SECOND, SECOND, new SplittableRandom(7));
        long distinct = java.util.stream.IntStream.range(0, 100).mapToObj(i -> backoff.delay(1)).distinct().count();
        assertTrue(distinct > 90, "distinct delays: " + distinct);
    }

    @Test
    void noJitterWhenMaxJitterIsZero() {
        Backoff backoff = new Backoff(SECOND, Duration.ofSeconds(16), Duration.ZERO, HIGHEST);
        assertEquals(Duration.ofSeconds(4), backoff.delay(3));
    }

    @Test
    void largeAttemptsDoNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofNanos(1), Duration.ofDays(365_000), Duration.ZERO, LOWEST);
        assertEquals(Duration.ofNanos(1L << 62), backoff.delay(63));
        assertEquals(Duration.ofDays(365_000), backoff.delay(64));
        assertEquals(Duration.ofDays(365_000), backoff.delay(Integer.MAX_VALUE));
        Backoff vendor = Backoff.vendorDefault(HIGHEST);
        assertEquals(Duration.ofSeconds(17), vendor.delay(33));
        assertEquals(Duration.ofSeconds(17), vendor.delay(1_000_000));
    }

    @Test
    void capIsExactWhenDoublingLandsOnIt() {
        Backoff backoff = new Backoff(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ZERO, LOWEST);
        assertEquals(Duration.ofSeconds(6), backoff.delay(2));
        assertEquals(Duration.ofSeconds(12), backoff.delay(3));
        assertEquals(Duration.ofSeconds(12), backoff.delay(4));
    }

    @Test
    void attemptStartsAtOne() {
        Backoff backoff = Backoff.vendorDefault(LOWEST);
        assertThrows(IllegalArgumentException.class, () -> backoff.delay(0));
        assertThrows(IllegalArgumentException.class, () -> backoff.delay(-3));
    }

    @Test
    void invalidConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, SECOND, SECOND, LOWEST));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(SECOND, Duration.ofMillis(999), SECOND, LOWEST));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(SECOND, SECOND, Duration.ofMillis(-1), LOWEST));
        assertThrows(NullPointerException.class, () -> new Backoff(SECOND, SECOND, SECOND, null));
    }

    @Test
    void retryAfterIsHonouredExactly() {
        Backoff backoff = Backoff.vendorDefault(HIGHEST);
        assertEquals(Duration.ofSeconds(30),
                backoff.retryDelay(1, Optional.of(Duration.ofSeconds(30)), Duration.ofMinutes(2)));
        // Shorter than the exponential delay of attempt 4 (8 s), but not than the minimum backoff: honoured.
        assertEquals(Duration.ofSeconds(2), backoff.retryDelay(4, Optional.of(Duration.ofSeconds(2)),
                Duration.ofMinutes(2)));
    }

    @Test
    void retryAfterNeverShortensTheMinimumBackoff() {
        Backoff backoff = new Backoff(Duration.ofMillis(1500), Duration.ofSeconds(16), SECOND, HIGHEST);
        Duration cap = Duration.ofMinutes(2);
        // Retry-After: 0, or a date in the past (RetryAfter reads both as zero): the initial backoff, no jitter.
        assertEquals(Duration.ofMillis(1500), backoff.retryDelay(1, Optional.of(Duration.ZERO), cap));
        assertEquals(Duration.ofMillis(1500), backoff.retryDelay(5, Optional.of(Duration.ZERO), cap));
        assertEquals(Duration.ofMillis(1500), backoff.retryDelay(1, Optional.of(Duration.ofMillis(1)), cap));
        assertEquals(Duration.ofMillis(1501), backoff.retryDelay(1, Optional.of(Duration.ofMillis(1501)), cap));
        // A cap below the minimum backoff does not shorten it either.
        assertEquals(Duration.ofMillis(1500), backoff.retryDelay(1, Optional.of(Duration.ofHours(1)), SECOND));
    }

    @Test
    void retryAfterIsCapped() {
        Backoff backoff = Backoff.vendorDefault(HIGHEST);
        assertEquals(Duration.ofMinutes(2),
                backoff.retryDelay(1, Optional.of(Duration.ofHours(1)), Duration.ofMinutes(2)));
        assertEquals(Duration.ofMinutes(2),
                backoff.retryDelay(1, Optional.of(Duration.ofSeconds(Long.MAX_VALUE)), Duration.ofMinutes(2)));
    }

    @Test
    void negativeRetryAfterWaitsTheMinimumBackoff() {
        assertEquals(SECOND,
                Backoff.vendorDefault(HIGHEST).retryDelay(1, Optional.of(Duration.ofSeconds(-5)), SECOND));
    }

    @Test
    void withoutRetryAfterTheBackoffApplies() {
        Backoff backoff = Backoff.vendorDefault(LOWEST);
        assertEquals(Duration.ofSeconds(8), backoff.retryDelay(4, Optional.empty(), Duration.ofMinutes(2)));
    }
}
