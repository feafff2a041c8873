package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressLogTest {

    @Test
    void theLineCarriesTotalsAndThisIntervalsRequestRateAnd429s() {
        BridgeMetrics metrics = new BridgeMetrics(new SimpleMeterRegistry());
        ProgressLog progress = new ProgressLog(metrics,
                () -> new ApiGateWatch.Observed(ApiGate.State.BACKING_OFF, Duration.ofSeconds(4)),
                Duration.ofSeconds(10));
        assertEquals("Progress: ingested 0 (invalid 0), in flight unknown, published 0, dead-lettered 0 {}, "
                + "API 0.0 requests/s, 429s 0 (total 0), gate backing_off for 4 s", progress.line());

        metrics.ingested("accepted");
        metrics.ingested("invalid");
        metrics.inFlight(12);
        metrics.published();
        metrics.deadLettered("invalid_input");
        for (int i = 0; i < 25; i++) {
            metrics.apiRequest(i < 3 ? 429 : 200, 1000, 50);
        }
        assertEquals("Progress: ingested 2 (invalid 1), in flight 12, published 1, dead-lettered 1 "
                + "{invalid_input=1}, API 2.5 requests/s, 429s 3 (total 3), gate backing_off for 4 s",
                progress.line());
        metrics.apiRequest(429, 1000, 50);
        assertEquals("Progress: ingested 2 (invalid 1), in flight 12, published 1, dead-lettered 1 "
                + "{invalid_input=1}, API 0.1 requests/s, 429s 1 (total 4), gate backing_off for 4 s",
                progress.line());
    }
}
