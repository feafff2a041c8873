package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultInterceptSendToEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which write counts as what; no broker is needed, endpoints are only built, never started. */
class KafkaWriteMeterTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BridgeMetrics metrics = new BridgeMetrics(registry);
    private final KafkaWriteMeter meter = new KafkaWriteMeter(metrics, "out", "dlq", "pending");

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void eachAcknowledgedWriteOfThePollPathCountsByTopic() {
        meter.sent(intercepted("kafka:out"), exchange("poll-tasks", null));
        meter.sent(context.getEndpoint("kafka:dlq"), exchange("poll-tasks", "poll_timeout"));
        meter.sent(intercepted("kafka:pending"), exchange("poll-tasks", null));
        meter.sent(intercepted("kafka:elsewhere"), exchange("poll-tasks", null));
        meter.sent(context.getEndpoint("direct:out"), exchange("poll-tasks", null));

        assertEquals(1, metrics.publishedTotal());
        assertEquals(Map.of("poll_timeout", 1L), metrics.deadLetteredByCode());
        for (String outcome : new String[] {"done", "dead_letter", "not_ready"}) {
            assertEquals(1.0, registry.find(BridgeMetrics.POLLS).tag("outcome", outcome).counter().count(), outcome);
        }
    }

    @Test
    void aFailedWriteCountsNothing() {
        Exchange failed = exchange("poll-tasks", null);
        failed.setException(new org.apache.kafka.common.KafkaException("not written"));
        meter.sent(intercepted("kafka:out"), failed);
        assertEquals(0, metrics.publishedTotal());
    }

    @Test
    void everyRedeliveryIsARetriedWriteAndTheSendingEventIsTakenSoThatCamelTimesTheSend() {
        Exchange exchange = exchange("poll-tasks", null);
        meter.notify(new org.apache.camel.impl.event.ExchangeRedeliveryEvent(exchange, 1));
        meter.notify(new org.apache.camel.impl.event.ExchangeRedeliveryEvent(exchange, 2));
        assertEquals(2.0, registry.find(BridgeMetrics.KAFKA_WRITE_RETRIES).counter().count());
        org.junit.jupiter.api.Assertions.assertTrue(meter.isEnabled(
                new org.apache.camel.impl.event.ExchangeSendingEvent(exchange, context.getEndpoint("kafka:out"))));
    }

    private Endpoint intercepted(String uri) {
        return new DefaultInterceptSendToEndpoint(context.getEndpoint(uri), false);
    }

    private Exchange exchange(String fromRoute, String code) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getExchangeExtension().setFromRouteId(fromRoute);
        if (code != null) {
            exchange.getMessage().setHeader(BridgeHeaders.ERROR_CODE, code);
        }
        return exchange;
    }
}
