package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

import java.util.Locale;

/**
 * The {@code poll-tasks} route's step for each outcome: turns the {@link TaskOutcome} in the body into the Kafka
 * record to write (key, value, exactly its headers), names its destination in the exchange property
 * {@value #DESTINATION} ({@code output}, {@code dead_letter} or {@code pending}) and keeps the outcome itself in
 * {@value #OUTCOME} for the write receipts.
 */
public final class OutcomeMessage implements Processor {

    public static final String DESTINATION = "dreaminaDestination";
    public static final String OUTCOME = "dreaminaOutcome";

    /** The route's step: called directly by Camel, without the reflection of a bean call for every outcome. */
    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        apply(exchange);
    }

    public void apply(Exchange exchange) throws InvalidPayloadException {
        TaskOutcome outcome = exchange.getMessage().getMandatoryBody(TaskOutcome.class);
        write(exchange.getMessage(), outcome);
        exchange.setProperty(OUTCOME, outcome);
        exchange.setProperty(DESTINATION, outcome.destination().name().toLowerCase(Locale.ROOT));
    }

    /** The outcome as the message to write: exactly its key, value and headers. */
    static void write(Message message, TaskOutcome outcome) {
        message.getHeaders().clear();
        message.getHeaders().putAll(outcome.headers());
        if (outcome.key() != null) {
            message.setHeader(KafkaConstants.KEY, outcome.key());
        }
        message.setBody(outcome.value());
    }
}
