package cloud.acedata.dreamina.bridge.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One line every {@code dreamina.log.progress-interval} with the numbers an operator watches, read from the same
 * meters Prometheus scrapes: totals since start, plus API requests per second and 429s over the last interval.
 */
public final class ProgressLog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("dreamina.bridge.progress");

    private final BridgeMetrics metrics;
    private final Supplier<ApiGateWatch.Observed> gate;
    private final Duration interval;
    private long lastRequests;
    private long last429s;

    public ProgressLog(BridgeMetrics metrics, Supplier<ApiGateWatch.Observed> gate, Duration interval) {
        this.metrics = metrics;
        this.gate = gate;
        this.interval = interval;
    }

    @Override
    public void run() {
        LOG.info(line());
    }

    /** The line, and the start of the next interval. */
    synchronized String line() {
        long requests = metrics.apiRequestsTotal();
        long tooMany = metrics.apiRequests(429);
        double perSecond = (requests - lastRequests) * 1000.0 / Math.max(1, interval.toMillis());
        long recent429s = tooMany - last429s;
        lastRequests = requests;
        last429s = tooMany;
        long inFlight = metrics.inFlight();
        Map<String, Long> deadLettered = metrics.deadLetteredByCode();
        long deadTotal = deadLettered.values().stream().mapToLong(Long::longValue).sum();
        ApiGateWatch.Observed observed = gate.get();
        return String.format(java.util.Locale.ROOT,
                "Progress: ingested %d (invalid %d), in flight %s, published %d, dead-lettered %d %s, "
                        + "API %.1f requests/s, 429s %d (total %d), gate %s for %d s",
                metrics.ingestedTotal(), metrics.ingestedCount("invalid"), inFlight < 0 ? "unknown" : inFlight,
                metrics.publishedTotal(), deadTotal, deadLettered, perSecond, recent429s, tooMany,
                BridgeMetrics.label(observed.state()), observed.lasted().toSeconds());
    }
}
