package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiUnavailableException;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.ProducerTemplate;
import cloud.acedata.dreamina.bridge.schedule.DueTaskHandler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The scheduler's handler, measured: sends the due tasks to the poll route (which answers with one
 * {@link TaskOutcome} per task, in order) and records, for each published task, the time from ingest to done (the
 * task's deadline minus {@code dreamina.poll.max-wait} is when it was ingested), and counts the tasks left for an
 * unavailable API. The other poll outcomes are counted from the writes ({@link KafkaWriteMeter}).
 */
public final class PollMeter implements DueTaskHandler {

    private final ProducerTemplate template;
    private final String pollRoute;
    private final BridgeMetrics metrics;
    private final Duration maxWait;
    private final Clock clock;

    public PollMeter(ProducerTemplate template, String pollRoute, BridgeMetrics metrics, Duration maxWait,
                     Clock clock) {
        this.template = template;
        this.pollRoute = pollRoute;
        this.metrics = metrics;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    @Override
    public void handle(List<PendingTask> dueTasks) {
        Object answer;
        try {
            answer = template.requestBody(pollRoute, dueTasks);
        } catch (RuntimeException e) {
            if (causedBy(e, ApiUnavailableException.class)) {
                metrics.poll("api_unavailable", dueTasks.size());
            }
            throw e;
        }
        count(dueTasks, answer);
    }

    void count(List<PendingTask> tasks, Object answer) {
        if (!(answer instanceof List<?> outcomes) || outcomes.size() != tasks.size()) {
            return;
        }
        long now = clock.millis();
        for (int i = 0; i < outcomes.size(); i++) {
            if (!(outcomes.get(i) instanceof TaskOutcome outcome)) {
                return;
            }
            if (outcome.destination() == TaskOutcome.Destination.OUTPUT) {
                long ingestedAt = tasks.get(i).deadlineMillis() - maxWait.toMillis();
                metrics.ingestToDone(Duration.ofMillis(now - ingestedAt));
            }
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
