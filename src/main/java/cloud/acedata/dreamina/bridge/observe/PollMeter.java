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
 * The scheduler's handler with polls counted: sends the due tasks to the poll route (which answers with one
 * {@link TaskOutcome} per task, in order) and counts each task's outcome, the time from ingest to done (the task's
 * deadline minus {@code dreamina.poll.max-wait} is when it was ingested), and the tasks left for an unavailable API.
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
            switch (outcome.destination()) {
                case OUTPUT -> {
                    metrics.poll("done", 1);
                    long ingestedAt = tasks.get(i).deadlineMillis() - maxWait.toMillis();
                    metrics.ingestToDone(Duration.ofMillis(now - ingestedAt));
                }
                case DEAD_LETTER -> metrics.poll("dead_letter", 1);
                case PENDING -> metrics.poll("not_ready", 1);
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
