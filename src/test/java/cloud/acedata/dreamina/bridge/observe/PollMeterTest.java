package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PollMeterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BridgeMetrics metrics = new BridgeMetrics(registry);
    private final MutableClock clock = new MutableClock();
    private final PollMeter meter = new PollMeter(null, "direct:poll-tasks", metrics, Duration.ofMinutes(15), clock);

    @Test
    void theTimeFromIngestToDoneIsMeasuredForPublishedTasksOnly() {
        // Ingested 40 s ago: its deadline is 15 min after that.
        long ingestedAt = clock.millis() - 40_000;
        PendingTask done = task("a", ingestedAt + Duration.ofMinutes(15).toMillis());
        PendingTask waiting = task("b", ingestedAt + Duration.ofMinutes(15).toMillis());
        PendingTask failed = task("c", ingestedAt + Duration.ofMinutes(15).toMillis());
        meter.count(List.of(done, waiting, failed), List.of(
                TaskOutcome.done(done, "a", null, new byte[0], "https://v/a.mp4"),
                TaskOutcome.pollAgain(waiting, null, clock.millis() + 5000),
                TaskOutcome.deadLetter(failed, "task_failed", "failed", null)));

        assertEquals(1, registry.find(BridgeMetrics.INGEST_TO_DONE).timer().count());
        assertEquals(40.0, registry.find(BridgeMetrics.INGEST_TO_DONE).timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);
    }

    @Test
    void anAnswerThatIsNotOneOutcomePerTaskIsNotCounted() {
        PendingTask task = task("a", clock.millis());
        meter.count(List.of(task), "not a list");
        meter.count(List.of(task), List.of());
        assertEquals(null, registry.find(BridgeMetrics.INGEST_TO_DONE).timer());
    }

    private static PendingTask task(String id, long deadline) {
        return new PendingTask(id, id.getBytes(StandardCharsets.UTF_8), Map.of(
                BridgeHeaders.TASK_ID, id.getBytes(StandardCharsets.UTF_8),
                BridgeHeaders.PENDING_DEADLINE, String.valueOf(deadline).getBytes(StandardCharsets.UTF_8)));
    }
}
