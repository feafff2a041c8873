package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.InterceptSendToEndpoint;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts the bridge's Kafka writes from Camel's exchange events, so that no route has to call a meter: an
 * acknowledged write (under exactly-once: one the transaction holds, counted again if the transaction aborts and its
 * task is handled again) to the output topic is a published task, to the dead-letter topic a dead letter (by its
 * {@code dreamina.error.code}); each write is one task's poll outcome ({@code done}, {@code dead_letter},
 * {@code not_ready}). The ingest step writes through its own producer ({@code RecordBatchWriter}) and counts its
 * records itself. Every redelivery is a retried Kafka write (the error
 * policy redelivers nothing else).
 */
public final class KafkaWriteMeter extends EventNotifierSupport {

    private final BridgeMetrics metrics;
    private final String outputTopic;
    private final String deadLetterTopic;
    private final String pendingTopic;

    public KafkaWriteMeter(BridgeMetrics metrics, String outputTopic, String deadLetterTopic, String pendingTopic) {
        this.metrics = metrics;
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.pendingTopic = pendingTopic;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /**
     * Camel emits a sent event only when a notifier took the sending event before it (it times the send then), so
     * the sending event is taken too, and ignored.
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent
                || event instanceof CamelEvent.ExchangeRedeliveryEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
            metrics.kafkaWriteRetry();
        } else if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            sent(sent.getEndpoint(), sent.getExchange());
        }
    }

    void sent(Endpoint endpoint, Exchange exchange) {
        // The error policy intercepts every kafka: endpoint (to strip credentials): the event names the interceptor.
        Endpoint target = endpoint instanceof InterceptSendToEndpoint intercepted
                ? intercepted.getOriginalEndpoint() : endpoint;
        if (!(target instanceof KafkaEndpoint kafka) || exchange.getException() != null) {
            return;
        }
        String topic = kafka.getConfiguration().getTopic();
        if (outputTopic.equals(topic)) {
            metrics.published();
            metrics.poll("done", 1);
        } else if (deadLetterTopic.equals(topic)) {
            metrics.deadLettered(exchange.getMessage().getHeader(BridgeHeaders.ERROR_CODE, String.class));
            metrics.poll("dead_letter", 1);
        } else if (pendingTopic.equals(topic)) {
            metrics.poll("not_ready", 1);
        }
    }
}
