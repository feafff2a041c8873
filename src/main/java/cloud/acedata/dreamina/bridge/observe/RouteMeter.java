package cloud.acedata.dreamina.bridge.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camel's route meters, as camel-micrometer's route policy would give them (camel-micrometer 4.22 is not served by
 * the registry this project builds from): every exchange a route completes or fails, timed, by route id and
 * whether it failed — {@code camel_exchanges_seconds_count{routeId="poll-tasks",failed="false"}} and its sum. A
 * route id is one of the bridge's few routes: never a task id.
 */
public final class RouteMeter extends EventNotifierSupport {

    static final String EXCHANGES = "camel.exchanges";

    private final MeterRegistry registry;
    /** Each route's two timers (failed or not), registered on first use: not built again for every exchange. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RouteMeter(MeterRegistry registry) {
        this.registry = registry;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String routeId = exchange.getFromRouteId();
        if (routeId == null) {
            return; // a producer template's own exchange, not a route's
        }
        String failed = String.valueOf(event instanceof CamelEvent.ExchangeFailedEvent);
        timers.computeIfAbsent(routeId + " " + failed, key -> Timer.builder(EXCHANGES)
                        .description("Exchanges completed by each Camel route, timed")
                        .tag("routeId", routeId).tag("failed", failed).register(registry))
                .record(Duration.ofMillis(Math.max(0, exchange.getClock().elapsed())));
    }
}
