package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.ApiRateLimiter;
import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.api.CamelTasksApi;
import cloud.acedata.dreamina.bridge.api.TaskPoller;
import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.config.DeliverySettings;
import cloud.acedata.dreamina.bridge.delivery.RouteProducerFactory;
import cloud.acedata.dreamina.bridge.delivery.RouteTransaction;
import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.config.UnknownSettings;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import cloud.acedata.dreamina.bridge.observe.Observability;
import cloud.acedata.dreamina.bridge.task.TaskAnswerClassifier;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import cloud.acedata.dreamina.bridge.util.JsonLimits;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Random;

/**
 * Builds the beans the routes call ({@code ingestPoll}, {@code taskPoller}, {@code batchClaim}, {@code writeReceipts},
 * {@code outcomeMessage}, and the {@code recordWriter} service) from the {@code dreamina.*} settings, checks at start
 * that the HTTP client took its options ({@code camel.component.http.*} in {@code config/application.properties}),
 * and attaches the pending-topic scheduler to the context's lifecycle. Camel main adds it by name; its package scan
 * is off ({@code camel.main.base-package-scan-enabled}), so it is configured once.
 */
public final class BridgeConfiguration implements CamelConfiguration {

    public static final String INGEST_ROUTE_ID = "ingest-tasks";
    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        UnknownSettings.documented().requireNone(context.getPropertiesComponent());
        BridgeSettings settings = BridgeSettings.from(context.getPropertiesComponent());
        if (!settings.hasToken()) {
            throw new SettingException("dreamina.api.token", "is not set: give the API token in the environment "
                    + "(or run with neither a broker nor a token for local mode)");
        }
        LOG.info("Dreamina bridge settings: {}", settings);
        context.addStartupListener(new HttpClientCheck(settings));
        Observability observe = Observability.create(context, settings);
        DeliverySettings delivery = DeliverySettings.from(context.getPropertiesComponent(), System.getenv());
        LOG.info("Delivery: {} (instance {}{})", delivery.guarantee().value(), delivery.instanceId(),
                delivery.exactlyOnce() ? ", transactional ids " + delivery.transactionalId("*") : "");
        RouteTransaction routeTransaction = new RouteTransaction();
        if (delivery.exactlyOnce()) {
            // The routes' kafka: endpoints write into the poll path's transaction (README "Exactly once").
            KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
            kafka.setKafkaClientFactory(new RouteProducerFactory(kafka.getKafkaClientFactory(), routeTransaction));
            PollTransactions pollTransactions = new PollTransactions(context, delivery, observe.transactionEvents());
            context.getRegistry().bind("pollTransactions", pollTransactions);
            context.addService(pollTransactions);
        }
        context.getRegistry().bind("deliverySettings", delivery);
        context.getRegistry().bind("routeTransaction", routeTransaction);

        Clock clock = Clock.systemUTC();
        Backoff backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), settings.backoffJitter(),
                new Random());
        ApiGate gate = new ApiGate(clock, backoff, settings.retryAfterCap(), settings.credentialRecheck());
        gate.setCredentialListener(new IngestPause(context, INGEST_ROUTE_ID, settings.credentialRecheck()));
        ProducerTemplate template = context.createProducerTemplate();
        ApiRateLimiter rateLimiter = observe.meter(new ApiRateLimiter(settings.maxRequestsPerSecond()));
        TaskPoller poller = new TaskPoller(observe.meter(new CamelTasksApi(template, "direct:call-tasks-api")),
                rateLimiter, gate, new TaskAnswerClassifier(), JsonLimits.apiMapper(), settings.pollInterval(), clock);

        Registry registry = context.getRegistry();
        BatchWriterService recordWriter = new BatchWriterService(new KafkaClients(context)::producer);
        context.addService(recordWriter);
        TaskIntake intake = new TaskIntake(new TaskReferenceParser(), settings.pollInterval(), settings.maxWait(),
                clock, settings.pendingTopic(), settings.deadLetterTopic());
        KafkaClients ingestClients = new KafkaClients(context);
        IngestTransactions ingestTransactions = new IngestTransactions(delivery,
                id -> ingestClients.transactionalProducer(id, delivery.transactionTimeout()),
                ingestClients::maxRequestSize, observe.transactionEvents());
        if (delivery.exactlyOnce()) {
            context.addService(ingestTransactions);
        }
        registry.bind("ingestPoll", new IngestPoll(intake, recordWriter, new WrittenAhead(),
                delivery.exactlyOnce() ? new TransactionalIngest(intake, ingestTransactions) : null, deadLetterCode -> {
            observe.metrics().ingested(deadLetterCode == null ? "accepted" : "invalid");
            if (deadLetterCode != null) {
                observe.metrics().deadLettered(deadLetterCode);
            }
        }));
        registry.bind("taskPoller", poller);
        registry.bind("apiRateLimiter", rateLimiter);
        registry.bind("batchClaim", new BatchClaim());
        registry.bind("writeReceipts", new CollectWriteReceipts());
        registry.bind("outcomeMessage", new OutcomeMessage());
        SchedulerLifecycle lifecycle = new SchedulerLifecycle(context, settings, template, gate, rateLimiter, backoff);
        registry.bind("schedulerLifecycle", lifecycle);
        context.addLifecycleStrategy(lifecycle);
        context.addStartupListener(lifecycle);
        observe.watch(gate, lifecycle::scheduler);
        context.addService(observe, true, true);
    }
}
