package cloud.acedata.dreamina.bridge.delivery;

import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Properties;

/**
 * The kafka component's client factory under exactly-once: every producer a {@code kafka:} endpoint of the routes
 * asks for is a {@link TransactionBoundProducer} on the poll path's transaction; consumers, and the bridge's own
 * producers ({@link #ownProducer}), come from the factory it wraps.
 */
public final class RouteProducerFactory implements KafkaClientFactory {

    private final KafkaClientFactory clients;
    private final RouteTransaction transaction;

    public RouteProducerFactory(KafkaClientFactory clients, RouteTransaction transaction) {
        this.clients = clients;
        this.transaction = transaction;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return new TransactionBoundProducer(transaction, kafkaProps);
    }

    /** A producer of the bridge's own (a transactional one: its properties name the transactional id). */
    public Producer ownProducer(Properties kafkaProps) {
        return clients.getProducer(kafkaProps);
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return clients.getConsumer(kafkaProps);
    }

    @Override
    public String getBrokers(org.apache.camel.component.kafka.KafkaConfiguration configuration) {
        return clients.getBrokers(configuration);
    }
}
