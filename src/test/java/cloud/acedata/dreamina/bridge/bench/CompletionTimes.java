package cloud.acedata.dreamina.bridge.bench;

import java.time.Duration;
import java.util.Random;

/**
 * How long real talking-photo videos take, for the realistic workload: log-normal with a median of 50 s and
 * sigma 0.45 (most between 30 and 90 s, a tail towards two minutes), clamped to 20–120 s, then multiplied by the
 * workload's time factor (the poll cadence is scaled by the same factor). Seeded: every run draws the same times.
 */
final class CompletionTimes {

    static final Duration SHORTEST = Duration.ofSeconds(20);
    static final Duration LONGEST = Duration.ofSeconds(120);
    private static final double MEDIAN_SECONDS = 50;
    private static final double SIGMA = 0.45;

    private final Random random;
    private final double factor;

    CompletionTimes(long seed, double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("the time factor must be positive, not " + factor);
        }
        this.random = new Random(seed);
        this.factor = factor;
    }

    /** The next completion time, already scaled. */
    Duration next() {
        double seconds = MEDIAN_SECONDS * Math.exp(SIGMA * random.nextGaussian());
        seconds = Math.max(SHORTEST.toSeconds(), Math.min(LONGEST.toSeconds(), seconds));
        return Duration.ofNanos(Math.round(seconds * factor * 1e9));
    }
}
