package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import cloud.acedata.dreamina.bridge.api.ApiRateLimiter;
import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.api.CamelTasksApi;
import cloud.acedata.dreamina.bridge.api.JsonLimits;
import cloud.acedata.dreamina.bridge.api.TaskPoller;
import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.observe.Observability;
import cloud.acedata.dreamina.bridge.task.TaskAnswerClassifier;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Builds the beans the routes call ({@code taskIntake}, {@code taskPoller}, {@code outcomeMessage},
 * {@code offsetCommit}) from the {@code dreamina.*} settings, configures the HTTP client for the API, and attaches
 * the pending-topic scheduler to the context's lifecycle.
 */
public final class BridgeConfiguration implements CamelConfiguration {

    public static final String INGEST_ROUTE_ID = "ingest-tasks";
    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        if (context.getRegistry().lookupByName("taskPoller") != null) {
            // A second configuration would start a second scheduler on the same pending group.
            throw new IllegalStateException("BridgeConfiguration was added twice (check Camel main's package scan)");
        }
        BridgeSettings settings = BridgeSettings.from(context.getPropertiesComponent());
        if (!settings.hasToken()) {
            throw new IllegalStateException("dreamina.api.token is not set: give the API token in the environment "
                    + "variable DREAMINA_API_TOKEN (or run with neither a broker nor a token for local mode)");
        }
        LOG.info("Dreamina bridge settings: {}", settings);
        configureHttp(context, settings);
        Observability observe = Observability.create(context, settings, INGEST_ROUTE_ID);

        Clock clock = Clock.systemUTC();
        Backoff backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), settings.backoffJitter(),
                new Random());
        ApiGate gate = new ApiGate(clock, backoff, settings.retryAfterCap(), settings.credentialRecheck());
        gate.setCredentialListener(new IngestPause(context, INGEST_ROUTE_ID));
        ProducerTemplate template = context.createProducerTemplate();
        TaskPoller poller = new TaskPoller(observe.meter(new CamelTasksApi(template, "direct:call-tasks-api")),
                observe.meter(new ApiRateLimiter(settings.maxRequestsPerSecond())), gate, new TaskAnswerClassifier(),
                JsonLimits.apiMapper(), settings.pollInterval(), clock);

        Registry registry = context.getRegistry();
        registry.bind("taskIntake", new TaskIntake(new TaskReferenceParser(), settings.pollInterval(),
                settings.maxWait(), clock));
        registry.bind("taskPoller", poller);
        registry.bind("apiGate", gate);
        registry.bind("outcomeMessage", new OutcomeMessage());
        registry.bind("offsetCommit", new OffsetCommit());
        SchedulerLifecycle lifecycle = new SchedulerLifecycle(context, settings, template);
        registry.bind("schedulerLifecycle", lifecycle);
        context.addLifecycleStrategy(lifecycle);
        context.addStartupListener(lifecycle);
        observe.watch(gate, lifecycle::scheduler);
        context.addService(observe, true, true);
    }

    /**
     * HttpClient 5 would otherwise retry by itself and obey any {@code Retry-After}, even an hour long: the bridge
     * handles 429 and 5xx itself, with a cap. Timeouts bound a hanging API.
     */
    private static void configureHttp(CamelContext context, BridgeSettings settings) {
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setAutomaticRetriesDisabled(true);
            http.setLogHttpActivity(false);
            http.setConnectTimeout(settings.connectTimeout().toMillis());
            http.setConnectionRequestTimeout(settings.readTimeout().toMillis());
            http.setResponseTimeout(settings.readTimeout().toMillis());
            http.setSoTimeout(settings.readTimeout().toMillis());
        }
    }
}
