package cloud.acedata.dreamina.bridge.api;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side rate limit for calls to the Tasks API: never more than N requests in any one-second window.
 *
 * <p>The vendor allows 60 polling requests per second per token by default and advises capping the rate on the
 * client rather than relying on 429s (faq/concurrency.mdx). The limit holds for one token and one process: give
 * every caller that shares a token the same instance.
 *
 * <p>Why it holds: the bucket has capacity 1 and refills greedily one token every {@code P} nanoseconds, so any
 * two granted requests are at least {@code P} apart and {@code N+1} granted requests span at least {@code N*P}.
 * With {@code P = 1 s / N} exactly, {@code N+1} requests could fall at the two ends of a closed one-second window
 * {@code [t, t+1 s]} (N per half-open window {@code [t, t+1 s)}, but N+1 counting both ends). So
 * {@code P = floor(1 s / N) + 1 ns}: then {@code N*P > 1 s}, and every window of one second, open or closed,
 * holds at most N, at a cost of under a nanosecond per request. Capacity 1 also means no burst: a limiter with
 * capacity N would allow N at once and N more over the following second.
 */
public final class ApiRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Allowance for the time between a grant and the request on the wire (see {@link #refillPeriod}). */
    private static final long SEND_JITTER_NANOS = 50_000_000L;

    private final int maxRequestsPerSecond;
    private final Bucket bucket;
    private final BlockingStrategy blockingStrategy;
    /** Told how long each {@link #acquire()} waited, in nanoseconds (metrics). */
    private volatile java.util.function.LongConsumer waitListener = nanos -> { };

    /** A limiter on the system's monotonic clock. */
    public ApiRateLimiter(int maxRequestsPerSecond) {
        this(maxRequestsPerSecond, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING);
    }

    /** For tests: a limiter on the given clock; {@link #acquire()} parks the thread. */
    ApiRateLimiter(int maxRequestsPerSecond, TimeMeter timeMeter) {
        this(maxRequestsPerSecond, timeMeter, BlockingStrategy.PARKING);
    }

    /** For tests: a limiter on the given clock, waiting with the given strategy (which may advance that clock). */
    ApiRateLimiter(int maxRequestsPerSecond, TimeMeter timeMeter, BlockingStrategy blockingStrategy) {
        if (maxRequestsPerSecond < 1 || maxRequestsPerSecond > NANOS_PER_SECOND / 2) {
            throw new IllegalArgumentException("requests per second out of range: " + maxRequestsPerSecond);
        }
        this.maxRequestsPerSecond = maxRequestsPerSecond;
        this.blockingStrategy = Objects.requireNonNull(blockingStrategy, "blockingStrategy");
        Duration period = refillPeriod(maxRequestsPerSecond);
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1).refillGreedy(1, period))
                .withCustomTimePrecision(Objects.requireNonNull(timeMeter, "timeMeter"))
                .build();
    }

    /**
     * The time between two tokens: {@code (1 s + SEND_JITTER) / N}. The bucket spaces the <em>grants</em>; a request
     * reaches the wire a little after its grant (serialising, routing, a thread being scheduled), and a late request
     * followed by a punctual one arrive closer than {@code P}. The benchmark saw 51–52 arrivals in one second with
     * {@code P = 1 s / N}; the allowance keeps the rate the API sees at or under N.
     */
    static Duration refillPeriod(int maxRequestsPerSecond) {
        return Duration.ofNanos((NANOS_PER_SECOND + SEND_JITTER_NANOS) / maxRequestsPerSecond + 1);
    }

    /** Waits until one more request is allowed, then counts it. */
    public void acquire() throws InterruptedException {
        long start = System.nanoTime();
        bucket.asBlocking().consume(1, blockingStrategy);
        waitListener.accept(System.nanoTime() - start);
    }

    public void setWaitListener(java.util.function.LongConsumer listener) {
        this.waitListener = Objects.requireNonNull(listener, "listener");
    }

    /** Counts one more request if it is allowed now; never waits. */
    public boolean tryAcquire() {
        return bucket.tryConsume(1);
    }

    public int maxRequestsPerSecond() {
        return maxRequestsPerSecond;
    }
}
