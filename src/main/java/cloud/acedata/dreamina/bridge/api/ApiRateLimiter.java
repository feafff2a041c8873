package cloud.acedata.dreamina.bridge.api;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Client-side rate limit for calls to the Tasks API: never more than N requests in any one-second window.
 *
 * <p>The vendor allows 60 polling requests per second per token by default and advises capping the rate on the
 * client rather than relying on 429s (docs/tasks-api.md, "Rate limit and cadence"). Every caller of one process
 * shares one instance; the instances of a consumer group share the budget by {@link #share}.
 *
 * <p>Why it holds: the bucket has capacity 1 and refills greedily one token every {@code P} nanoseconds, so any
 * two granted requests are at least {@code P} apart and {@code N+1} granted requests span at least {@code N*P}.
 * With {@code P = 1 s / N} exactly, {@code N+1} requests could fall at the two ends of a closed one-second window
 * {@code [t, t+1 s]} (N per half-open window {@code [t, t+1 s)}, but N+1 counting both ends). So
 * {@code P = floor(1 s / N) + 1 ns}: then {@code N*P > 1 s}, and every window of one second, open or closed,
 * holds at most N, at a cost of under a nanosecond per request. Capacity 1 also means no burst: a limiter with
 * capacity N would allow N at once and N more over the following second.
 *
 * <p>Several instances share one token: {@link #share(int, int)} gives this instance the part of the budget that
 * matches its part of the pending topic's partitions (Kafka's group assignment says who polls what), so that
 * together they stay within the budget; it is called again on every rebalance.
 */
public final class ApiRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Allowance for the time between a grant and the request on the wire (see {@link #refillPeriod}). */
    private static final long SEND_JITTER_NANOS = 50_000_000L;

    /** An instance without partitions polls nothing; its limiter still needs a rate: one request a minute. */
    private static final double IDLE_RATE = 1.0 / 60;

    private final int maxRequestsPerSecond;
    private final Bucket bucket;
    private volatile double currentRate;
    private final BlockingStrategy blockingStrategy;
    /** Told how long each {@link #acquire()} waited, in nanoseconds (metrics). */
    private volatile LongConsumer waitListener = nanos -> { };

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
        this.currentRate = maxRequestsPerSecond;
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1).refillGreedy(1, refillPeriod(maxRequestsPerSecond)))
                .withCustomTimePrecision(Objects.requireNonNull(timeMeter, "timeMeter"))
                .build();
    }

    /**
     * This instance's share of the budget: {@code owned} of the pending topic's {@code total} partitions.
     *
     * @return the requests per second this instance may now make
     */
    public double share(int owned, int total) {
        double rate = total <= 0 || owned >= total ? maxRequestsPerSecond
                : Math.max(IDLE_RATE, (double) maxRequestsPerSecond * owned / total);
        if (rate != currentRate) {
            currentRate = rate;
            bucket.replaceConfiguration(BucketConfiguration.builder()
                            .addLimit(limit -> limit.capacity(1).refillGreedy(1, refillPeriod(rate)))
                            .build(),
                    TokensInheritanceStrategy.AS_IS);
        }
        return rate;
    }

    /** The requests per second this instance may make now (its share of the budget). */
    public double currentRate() {
        return currentRate;
    }

    /**
     * The time between two tokens: {@code (1 s + SEND_JITTER) / N}. The bucket spaces the <em>grants</em>; a request
     * reaches the wire a little after its grant (serialising, routing, a thread being scheduled), and a late request
     * followed by a punctual one arrive closer than {@code P}. The benchmark saw 51–52 arrivals in one second with
     * {@code P = 1 s / N}; the allowance keeps the rate the API sees at or under N.
     */
    static Duration refillPeriod(double requestsPerSecond) {
        return Duration.ofNanos((long) ((NANOS_PER_SECOND + SEND_JITTER_NANOS) / requestsPerSecond) + 1);
    }

    /**
     * Waits until one more request is allowed, then counts it. The token is taken when the waiting thread is running
     * again, not reserved ahead: with many requests in flight, a thread woken late (a loaded machine) does not send
     * together with the ones that came on time, because the next token only comes a whole period after it was taken.
     */
    public void acquire() throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                waitListener.accept(System.nanoTime() - start);
                return;
            }
            blockingStrategy.park(Math.max(1, probe.getNanosToWaitForRefill()));
        }
    }

    /** Told how long each {@link #acquire()} waited, in nanoseconds (metrics). */
    public void setWaitListener(LongConsumer listener) {
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
