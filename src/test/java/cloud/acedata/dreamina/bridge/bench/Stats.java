package cloud.acedata.dreamina.bridge.bench;

import java.util.Arrays;
import java.util.Collection;

/** The few statistics the benchmark reports: percentiles and the busiest window of a series of timestamps. */
final class Stats {

    private Stats() {
    }

    /** The nearest-rank percentile {@code p} (0–100) of {@code values}; -1 when there are none. */
    static long percentile(Collection<Long> values, double p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return percentile(sorted, p);
    }

    /** The nearest-rank percentile {@code p} (0–100) of already sorted values; -1 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** The most timestamps within any window of {@code windowNanos} (half-open: [t, t + window)). */
    static int busiestWindow(Collection<Long> timestampsNanos, long windowNanos) {
        long[] sorted = timestampsNanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int best = 0;
        int from = 0;
        for (int to = 0; to < sorted.length; to++) {
            while (sorted[to] - sorted[from] >= windowNanos) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

    /**
     * The median of {@code values} (the mean of the middle two when their number is even); NaN when there are none,
     * or when one of them is NaN (a figure a run did not have).
     */
    static double median(Collection<Double> values) {
        if (values.isEmpty() || values.stream().anyMatch(v -> Double.isNaN(v))) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** {@code numerator / denominator}, or NaN when the denominator is 0. */
    static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }

    /** Rounded to {@code digits} decimals, for reports (NaN and infinities stay as they are). */
    static double round(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
