package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.ApiRateLimiter;
import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.config.DeliverySettings;
import cloud.acedata.dreamina.bridge.delivery.RouteTransaction;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import cloud.acedata.dreamina.bridge.observe.Observability;
import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * Ties the pending-topic scheduler to the Camel context (the pending topic was created or checked before the context
 * started: {@link PendingTopicCheck}): the scheduler starts once every route runs (a failure to start it fails the bridge's start); and it
 * stops <em>before</em> the routes do, after handing over and committing the batches in flight — so a graceful stop
 * neither loses nor repeats a task. Its threads come from Camel's {@link ExecutorServiceManager} (named, shut down
 * with the context). A scheduler that keeps failing stops the bridge with exit status {@value #EXIT_SCHEDULER_DEAD}.
 */
public final class SchedulerLifecycle extends LifecycleStrategySupport implements StartupListener {

    static final String POLL_ROUTE = "direct:poll-tasks";
    static final String DEAD_LETTER_ROUTE = "direct:dead-letter";
    static final String PENDING_ROUTE = "direct:schedule-task";
    static final int EXIT_SCHEDULER_DEAD = 70;
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLifecycle.class);

    private final CamelContext context;
    private final BridgeSettings settings;
    private final ProducerTemplate template;
    private final ApiGate gate;
    private final ApiRateLimiter rateLimiter;
    private final Backoff taskBackoff;
    private PendingTaskScheduler scheduler;

    public SchedulerLifecycle(CamelContext context, BridgeSettings settings, ProducerTemplate template, ApiGate gate,
                              ApiRateLimiter rateLimiter, Backoff taskBackoff) {
        this.context = context;
        this.settings = settings;
        this.template = template;
        this.gate = gate;
        this.rateLimiter = rateLimiter;
        this.taskBackoff = taskBackoff;
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

    /** Called before the routes are shut down: the scheduler hands over its batches while they still run. */
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
        ExecutorServiceManager executors = context.getExecutorServiceManager();
        ExecutorService loop = executors.newSingleThreadExecutor(this, "PendingTaskScheduler");
        ExecutorService workers = executors.newFixedThreadPool(this, "PendingTaskPoll", settings.maxInFlight());
        DeliverySettings delivery = context.getRegistry().lookupByNameAndType("deliverySettings",
                DeliverySettings.class);
        scheduler = new PendingTaskScheduler(
                () -> observe.bind(new KafkaConsumer<>(clients.pendingConsumer(settings.pendingConsumerGroup(),
                        maxPollRecords, delivery.exactlyOnce()))),
                new PendingTaskScheduler.Settings(settings.pendingTopic(), settings.batchSize(),
                        settings.maxInFlight(), settings.coalesceWindow(), settings.pollInterval(),
                        settings.errorPause(), settings.credentialRecheck(), settings.stopTimeout()),
                observe.meter(new PollTasksRoute(template, POLL_ROUTE, DEAD_LETTER_ROUTE, PENDING_ROUTE,
                        Clock.systemUTC())), gate::openAt,
                (owned, total) -> LOG.info("This instance polls {} of the {} pending partitions: {} API requests/s "
                        + "of the budget of {}", owned, total, String.format("%.1f", rateLimiter.share(owned, total)),
                        rateLimiter.maxRequestsPerSecond()),
                taskBackoff, loop, workers, SchedulerLifecycle::exit, Clock.systemUTC(),
                delivery.exactlyOnce() ? new PendingTaskScheduler.Delivery(
                        context.getRegistry().lookupByNameAndType("pollTransactions", PollTransactions.class),
                        context.getRegistry().lookupByNameAndType("routeTransaction", RouteTransaction.class),
                        delivery.commitInterval()) : null);
        scheduler.start();
    }

    private static void exit(Throwable cause) {
        // Not on the scheduler's thread: System.exit runs Camel's shutdown hook, which stops the scheduler.
        Thread exit = new Thread(() -> System.exit(EXIT_SCHEDULER_DEAD), "dreamina-bridge-exit");
        exit.start();
    }

    private synchronized void stopScheduler() throws InterruptedException {
        if (scheduler != null) {
            scheduler.stop();
        }
    }
}
