package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.ApiRateLimiter;
import cloud.acedata.dreamina.bridge.api.TasksApi;
import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.delivery.TransactionEvents;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import cloud.acedata.dreamina.bridge.schedule.BatchHandler;
import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wires metrics, health checks, the management port and the progress line into the bridge. Created by
 * {@code BridgeConfiguration} (bound as {@value #BEAN}); a Camel service, so it starts with the context and stops
 * with it. Other code calls it at a few places only: {@link #meter(TasksApi)}, {@link #meter(ApiRateLimiter)},
 * {@link #watch}, and, where the scheduler is built, {@link #bind(KafkaConsumer)} and {@link #pollHandler}.
 */
public final class Observability extends ServiceSupport {

    public static final String BEAN = "dreamina-observability";

    private final CamelContext context;
    private final BridgeSettings settings;
    private final ObserveSettings observe;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BridgeMetrics metrics = new BridgeMetrics(registry);
    private final KafkaClientMeters kafkaMeters = new KafkaClientMeters(registry);
    private final Clock clock = Clock.systemUTC();
    private final ApiAvailability availability = new ApiAvailability(clock);
    private ApiGateWatch gateWatch;
    private Supplier<PendingTaskScheduler> scheduler = () -> null;
    private JvmGcMetrics gcMetrics;
    private ScheduledExecutorService timer;
    private Admin admin;
    private ManagementServer server;

    private Observability(CamelContext context, BridgeSettings settings, ObserveSettings observe) {
        this.context = context;
        this.settings = settings;
        this.observe = observe;
    }

    /** Creates it, binds it, and meters camel-kafka's clients and Kafka writes. */
    public static Observability create(CamelContext context, BridgeSettings settings) {
        Observability o = new Observability(context, settings, ObserveSettings.from(context.getPropertiesComponent()));
        context.getRegistry().bind(BEAN, o);
        context.getRegistry().bind("metricsRegistry", o.registry);
        context.getComponent("kafka", KafkaComponent.class)
                .setKafkaClientFactory(new MeteredKafkaClientFactory(o.kafkaMeters));
        // Exchange events are only emitted when some notifier was known as the routes were built.
        context.getCamelContextExtension().setEventNotificationApplicable(true);
        context.getManagementStrategy().addEventNotifier(new RouteMeter(o.registry));
        context.getManagementStrategy().addEventNotifier(new KafkaWriteMeter(o.metrics,
                settings.outputTopic(), settings.deadLetterTopic(), settings.pendingTopic()));
        return o;
    }

    /** The one registered with the context. */
    public static Observability of(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BEAN, Observability.class);
    }

    /** The bridge's transactions, counted by hop and outcome ({@code dreamina_transactions_total}). */
    public TransactionEvents transactionEvents() {
        return new TransactionEvents() {
            @Override
            public void committed(String hop) {
                metrics.transaction(hop, "committed");
            }

            @Override
            public void aborted(String hop) {
                metrics.transaction(hop, "aborted");
            }
        };
    }

    public BridgeMetrics metrics() {
        return metrics;
    }

    public TasksApi meter(TasksApi api) {
        return new MeteredTasksApi(api, metrics, availability, new ObjectMapper());
    }

    public ApiRateLimiter meter(ApiRateLimiter limiter) {
        limiter.setWaitListener(metrics::rateLimiterWait);
        return limiter;
    }

    /** The gate's and the scheduler's gauges and health checks. */
    public void watch(ApiGate gate, Supplier<PendingTaskScheduler> pendingScheduler) {
        this.gateWatch = new ApiGateWatch(gate, clock);
        this.scheduler = pendingScheduler;
        metrics.gate(gate);
        metrics.oldestDueAge(() -> {
            PendingTaskScheduler current = scheduler.get();
            return current == null ? null : current.oldestDueAge();
        });
    }

    /** The scheduler's pending-topic consumer, metered and counted (a second one is a restart after a failure). */
    public <K, V> KafkaConsumer<K, V> bind(KafkaConsumer<K, V> consumer) {
        metrics.schedulerConsumerStarted();
        return kafkaMeters.bind(consumer);
    }

    /** The scheduler's batch handler, measured ({@link PollMeter}). */
    public BatchHandler meter(BatchHandler handler) {
        return new PollMeter(handler, metrics, settings.maxWait(), clock);
    }

    /** The management port actually bound (useful with port 0), or -1 when it is off. */
    public int managementPort() {
        return server == null ? -1 : server.port();
    }

    @Override
    protected void doStart() throws Exception {
        if (gateWatch == null) {
            throw new IllegalStateException("Observability.watch(...) was not called");
        }
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);

        admin = Admin.create(adminProperties());
        PendingLagProbe probe = new PendingLagProbe(admin, settings.pendingTopic(), settings.pendingConsumerGroup(),
                observe.kafkaProbeTimeout(), metrics, clock);
        registerChecks(probe);
        metrics.health("readiness", () -> ManagementServer.isUp(HealthCheckHelper.invokeReadiness(context), true));
        metrics.health("liveness", () -> ManagementServer.isUp(HealthCheckHelper.invokeLiveness(context), false));

        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "dreamina-observe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(probe, 0, observe.kafkaProbeInterval().toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(gateWatch::observe, 0, 1, TimeUnit.SECONDS);
        long progress = observe.progressInterval().toMillis();
        if (progress > 0) {
            ProgressLog log = new ProgressLog(metrics, gateWatch::observe, observe.progressInterval());
            timer.scheduleAtFixedRate(log, progress, progress, TimeUnit.MILLISECONDS);
        }
        if (observe.managementEnabled()) {
            try {
                server = ManagementServer.start(observe.managementHost(), observe.managementPort(), context,
                        registry);
            } catch (java.net.BindException e) {
                throw new IllegalStateException("Cannot open the management port " + observe.managementHost() + ":"
                        + observe.managementPort() + " (" + e.getMessage() + "): set dreamina.management.port "
                        + "(env DREAMINA_MANAGEMENT_PORT) to a free port", e);
            }
        }
    }

    private void registerChecks(PendingLagProbe probe) {
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks == null) {
            throw new IllegalStateException("Camel's health-check registry is missing (camel.health.enabled=false?)");
        }
        checks.register(new SchedulerLivenessCheck(() -> scheduler.get(), observe.schedulerStall(), clock));
        checks.register(new SchedulerReadinessCheck(() -> scheduler.get()));
        checks.register(new ApiHealthCheck(gateWatch, availability, observe.apiUnavailableMax()));
        checks.register(new KafkaHealthCheck(probe));
    }

    private Properties adminProperties() {
        Properties properties = new KafkaClients(context).admin();
        int timeout = (int) observe.kafkaProbeTimeout().toMillis();
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.consumerGroup() + "-observe-"
                + ProcessHandle.current().pid());
        return properties;
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        kafkaMeters.close();
    }
}
