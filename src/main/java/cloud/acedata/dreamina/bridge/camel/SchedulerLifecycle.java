package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.observe.Observability;
import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Clock;
import java.time.Duration;

/**
 * Ties the pending-topic scheduler to the Camel context: the pending topic is created (when missing) before the
 * routes start; the scheduler starts once every route runs (a failure to start it fails the bridge's start); and it
 * stops <em>before</em> the routes do, after handing over and committing the batch in hand — so a graceful stop
 * neither loses nor repeats a task.
 */
public final class SchedulerLifecycle extends LifecycleStrategySupport implements StartupListener {

    static final String POLL_ROUTE = "direct:poll-tasks";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final CamelContext context;
    private final BridgeSettings settings;
    private final ProducerTemplate template;
    private PendingTaskScheduler scheduler;

    public SchedulerLifecycle(CamelContext context, BridgeSettings settings, ProducerTemplate template) {
        this.context = context;
        this.settings = settings;
        this.template = template;
    }

    /** Before the routes start, and failing the start when Kafka cannot be reached. */
    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        PendingTopic.ensureExists(new KafkaClients(context).admin(), settings.pendingTopic(),
                settings.pendingPartitions(), settings.pendingReplicationFactor());
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the scheduler needs every route running: see onCamelContextFullyStarted
    }

    /** Once every route runs, {@code direct:poll-tasks} included. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        startScheduler();
    }

    /** Called before the routes are shut down: the scheduler hands over its batch in hand while they still run. */
    @Override
    public void onContextStopping(CamelContext context) {
        try {
            stopScheduler();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized PendingTaskScheduler scheduler() {
        return scheduler;
    }

    private synchronized void startScheduler() {
        KafkaClients clients = new KafkaClients(context);
        // One poll holds at most a few batches: memory stays bounded however many tasks are pending.
        int maxPollRecords = settings.batchSize() * 4;
        Observability observe = Observability.of(context);
        scheduler = new PendingTaskScheduler(
                () -> observe.bind(new KafkaConsumer<>(clients.pendingConsumer(settings.pendingConsumerGroup(),
                        maxPollRecords))),
                settings.pendingTopic(), settings.batchSize(), settings.errorPause(),
                observe.pollHandler(template, POLL_ROUTE), Clock.systemUTC());
        scheduler.start();
    }

    private synchronized void stopScheduler() throws InterruptedException {
        if (scheduler != null) {
            scheduler.stop(STOP_TIMEOUT);
        }
    }
}
