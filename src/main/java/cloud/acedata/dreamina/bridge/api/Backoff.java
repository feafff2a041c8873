package cloud.acedata.dreamina.bridge.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter, as the vendor advises for 429 and 5xx answers: retry at 1, 2, 4, 8,
 * 16 s plus up to 1 s of jitter (docs/tasks-api.md, "Errors"). Attempt {@code n} waits {@code initial * 2^(n-1)},
 * capped at {@code max}, plus a uniform jitter in {@code [0, maxJitter]}; the jitter keeps clients that failed
 * together from retrying together.
 *
 * <p>A {@code Retry-After} sent by the server takes precedence, up to a cap and never below {@code initial}
 * ({@link #retryDelay}).
 *
 * <p>Thread-safe if the {@link RandomGenerator} is.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final long maxJitterNanos;
    private final RandomGenerator random;

    /**
     * @param initial   the delay of attempt 1, positive
     * @param max       the largest delay before jitter, at least {@code initial}
     * @param maxJitter the largest jitter added, zero or positive (and below about 292 years)
     * @param random    the source of jitter
     */
    public Backoff(Duration initial, Duration max, Duration maxJitter, RandomGenerator random) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(maxJitter, "maxJitter");
        this.random = Objects.requireNonNull(random, "random");
        if (initial.isZero() || initial.isNegative()) {
            throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below initial backoff " + initial);
        }
        if (maxJitter.isNegative() || maxJitter.compareTo(Duration.ofNanos(Long.MAX_VALUE - 1)) > 0) {
            throw new IllegalArgumentException("max jitter out of range: " + maxJitter);
        }
        this.initial = initial;
        this.max = max;
        this.maxJitterNanos = maxJitter.toNanos();
    }

    /** The vendor's advice: 1 s doubling up to 16 s, plus up to 1 s of jitter. */
    public static Backoff vendorDefault(RandomGenerator random) {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16), Duration.ofSeconds(1), random);
    }

    /** The largest delay {@link #delay(int)} gives: the largest before jitter plus the largest jitter. */
    public Duration longest() {
        return max.plusNanos(maxJitterNanos);
    }

    /**
     * The delay before retry number {@code attempt}.
     *
     * @param attempt 1 for the first retry, 2 for the second, …
     */
    public Duration delay(int attempt) {
        return baseDelay(attempt).plusNanos(jitterNanos());
    }

    /**
     * The delay before retry number {@code attempt}, honouring a server's {@code Retry-After}: if given, that
     * delay, but never more than {@code retryAfterCap} and never less than the initial backoff — a
     * {@code Retry-After: 0} or a date in the past still waits the minimum backoff, so a server that says "now"
     * cannot turn the bridge into a hot loop; otherwise {@link #delay(int)}.
     */
    public Duration retryDelay(int attempt, Optional<Duration> retryAfter, Duration retryAfterCap) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(retryAfterCap, "retryAfterCap");
        if (retryAfter.isPresent()) {
            Duration requested = retryAfter.get();
            Duration capped = requested.compareTo(retryAfterCap) <= 0 ? requested : retryAfterCap;
            return capped.compareTo(initial) >= 0 ? capped : initial;
        }
        return delay(attempt);
    }

    /** {@code initial * 2^(attempt-1)} capped at {@code max}, without overflow for any attempt. */
    Duration baseDelay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
        int doublings = attempt - 1;
        if (doublings >= Long.SIZE - 1) {
            return max;
        }
        long factor = 1L << doublings;
        // initial * factor > max  exactly when  initial > floor(max / factor), counted in nanoseconds.
        if (initial.compareTo(max.dividedBy(factor)) > 0) {
            return max;
        }
        return initial.multipliedBy(factor);
    }

    private long jitterNanos() {
        return maxJitterNanos == 0 ? 0 : random.nextLong(maxJitterNanos + 1);
    }
}
