package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.schedule.BatchHandler;
import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import cloud.acedata.dreamina.bridge.task.PendingTask;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The scheduler's batch handler, measured: for each published task, the time from ingest to done (the task's
 * deadline minus {@code dreamina.poll.max-wait} is when it was ingested), and the tasks left for an unavailable API.
 * The other poll outcomes are counted from the writes ({@link KafkaWriteMeter}).
 */
public final class PollMeter implements BatchHandler {

    private final BatchHandler handler;
    private final BridgeMetrics metrics;
    private final Duration maxWait;
    private final Clock clock;

    public PollMeter(BatchHandler handler, BridgeMetrics metrics, Duration maxWait, Clock clock) {
        this.handler = handler;
        this.metrics = metrics;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    @Override
    public BatchResult handle(List<PendingTask> tasks, BatchTicket ticket) {
        BatchResult result = handler.handle(tasks, ticket);
        count(tasks, result);
        return result;
    }

    /** Written back to wait: counted by the writes, like every pending record. */
    @Override
    public BatchResult writeBack(List<PendingTask> tasks, BatchTicket ticket) {
        return handler.writeBack(tasks, ticket);
    }

    void count(List<PendingTask> tasks, BatchResult result) {
        if (result.kind() == BatchResult.Kind.API_UNAVAILABLE) {
            metrics.poll("api_unavailable", tasks.size());
        }
        long now = clock.millis();
        result.published().stream().forEach(i -> {
            long ingestedAt = tasks.get(i).deadlineMillis() - maxWait.toMillis();
            metrics.ingestToDone(Duration.ofMillis(now - ingestedAt));
        });
    }
}
