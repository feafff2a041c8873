package cloud.acedata.dreamina.bridge.observe;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BridgeMetrics metrics = new BridgeMetrics(registry);

    @Test
    void countsReadBackAsTheyAreScraped() {
        metrics.ingested("accepted");
        metrics.ingested("accepted");
        metrics.ingested("invalid");
        metrics.published();
        metrics.deadLettered("poll_timeout");
        metrics.deadLettered("poll_timeout");
        metrics.deadLettered("invalid_input");
        metrics.apiRequest(200, 3_000_000, 50);
        metrics.apiRequest(429, 1_000_000, 50);
        metrics.apiRequest(0, 1_000_000, 1);

        assertEquals(3, metrics.ingestedTotal());
        assertEquals(1, metrics.ingestedCount("invalid"));
        assertEquals(1, metrics.publishedTotal());
        assertEquals(Map.of("invalid_input", 1L, "poll_timeout", 2L), metrics.deadLetteredByCode());
        assertEquals(3, metrics.apiRequestsTotal());
        assertEquals(1, metrics.apiRequests(429));

        String text = registry.scrape();
        assertTrue(text.contains("dreamina_tasks_ingested_total{result=\"accepted\"} 2.0"), text);
        assertTrue(text.contains("dreamina_tasks_dead_lettered_total{code=\"poll_timeout\"} 2.0"), text);
        assertTrue(text.contains("dreamina_api_requests_seconds_count{status=\"io_error\"} 1"), text);
        assertTrue(text.contains("dreamina_api_requests_seconds_bucket{status=\"429\",le="), "a latency histogram");
        assertTrue(text.contains("dreamina_api_request_ids_sum 101.0"), text);
    }

    /** A dashboard's histogram_quantile reads every bucket of every series: a few chosen ones, not Micrometer's 69. */
    @Test
    void histogramsHaveTheDomainsBucketsOnly() {
        metrics.apiRequest(200, 120_000_000, 50);
        metrics.ingestToDone(Duration.ofSeconds(42));
        String text = registry.scrape();
        assertEquals(12, text.lines().filter(l -> l.startsWith("dreamina_api_requests_seconds_bucket{")).count(), text);
        assertEquals(11, text.lines().filter(l -> l.startsWith("dreamina_tasks_ingest_to_done_seconds_bucket{"))
                .count(), text);
        assertTrue(text.contains("dreamina_api_requests_seconds_bucket{status=\"200\",le=\"30.0\"} 1"), text);
        assertTrue(text.contains("dreamina_tasks_ingest_to_done_seconds_bucket{le=\"60.0\"} 1"), text);
        assertTrue(text.contains("dreamina_tasks_ingest_to_done_seconds_bucket{le=\"30.0\"} 0"), text);
    }

    @Test
    void anErrorCodeThatIsNotACodeIsCountedAsOther() {
        metrics.deadLettered("Some Free Text from the API: task 362b4fed-67bd");
        metrics.deadLettered(null);
        metrics.deadLettered("x".repeat(41));
        assertEquals(Map.of("other", 3L), metrics.deadLetteredByCode());
        assertEquals("no_api", BridgeMetrics.boundedCode("no_api"));
    }

    @Test
    void inFlightIsUnknownUntilMeasuredAndTheOldestDueAgeIsInSeconds() {
        assertTrue(registry.scrape().contains("dreamina_tasks_in_flight NaN"));
        metrics.inFlight(37);
        assertTrue(registry.scrape().contains("dreamina_tasks_in_flight 37.0"));
        metrics.oldestDueAge(() -> Duration.ofMillis(2500));
        System.gc();
        assertTrue(registry.scrape().contains("dreamina_tasks_oldest_due_age_seconds 2.5"), registry.scrape());
    }

    @Test
    void transactionsAreCountedByHopAndOutcome() {
        metrics.transaction("poll", "committed");
        metrics.transaction("poll", "committed");
        metrics.transaction("ingest", "aborted");
        String text = registry.scrape();
        assertTrue(text.contains("dreamina_transactions_total{hop=\"poll\",outcome=\"committed\"} 2.0"), text);
        assertTrue(text.contains("dreamina_transactions_total{hop=\"ingest\",outcome=\"aborted\"} 1.0"), text);
    }
}
