package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.support.TestClock;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PollMeterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BridgeMetrics metrics = new BridgeMetrics(registry);
    private final TestClock clock = new TestClock();
    private final PollMeter meter = new PollMeter(null, metrics, Duration.ofMinutes(15), clock);

    @Test
    void theTimeFromIngestToDoneIsMeasuredForPublishedTasksOnly() {
        // Ingested 40 s ago: its deadline is 15 min after that.
        long ingestedAt = clock.millis() - 40_000;
        PendingTask done = task("a", ingestedAt + Duration.ofMinutes(15).toMillis());
        PendingTask waiting = task("b", ingestedAt + Duration.ofMinutes(15).toMillis());
        PendingTask failed = task("c", ingestedAt + Duration.ofMinutes(15).toMillis());
        BitSet published = new BitSet();
        published.set(0);
        BitSet written = new BitSet();
        written.set(0, 3);
        meter.count(List.of(done, waiting, failed),
                new BatchResult(BatchResult.Kind.DONE, written, "", null, published));

        assertEquals(1, registry.find(BridgeMetrics.INGEST_TO_DONE).timer().count());
        assertEquals(40.0, registry.find(BridgeMetrics.INGEST_TO_DONE).timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);
    }

    @Test
    void tasksLeftForAnUnavailableApiAreCountedAndNotTimed() {
        PendingTask task = task("a", clock.millis());
        meter.count(List.of(task, task), BatchResult.apiUnavailable("HTTP 503", null));
        assertEquals(null, registry.find(BridgeMetrics.INGEST_TO_DONE).timer());
        assertEquals(2.0, registry.find(BridgeMetrics.POLLS).tag("outcome", "api_unavailable").counter().count());
    }

    private static PendingTask task(String id, long deadline) {
        return new PendingTask(id.getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8), Map.of(
                BridgeHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8),
                BridgeHeaders.PENDING_DEADLINE, String.valueOf(deadline).getBytes(StandardCharsets.UTF_8)));
    }
}
