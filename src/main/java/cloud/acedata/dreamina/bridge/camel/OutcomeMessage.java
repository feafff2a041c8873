package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

import java.util.Locale;

/**
 * The {@code poll-tasks} route's step for each outcome: turns the {@link TaskOutcome} in the body into the Kafka
 * record to write (key, value, exactly its headers) and names its destination in the exchange property
 * {@value #DESTINATION} ({@code output}, {@code dead_letter} or {@code pending}).
 */
public final class OutcomeMessage {

    public static final String DESTINATION = "dreaminaDestination";

    public void apply(Exchange exchange) throws InvalidPayloadException {
        TaskOutcome outcome = exchange.getMessage().getMandatoryBody(TaskOutcome.class);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.getHeaders().putAll(outcome.headers());
        message.setHeader(KafkaConstants.KEY, outcome.key());
        message.setBody(outcome.value());
        exchange.setProperty(DESTINATION, outcome.destination().name().toLowerCase(Locale.ROOT));
    }
}
