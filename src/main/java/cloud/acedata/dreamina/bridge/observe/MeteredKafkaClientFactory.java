package cloud.acedata.dreamina.bridge.observe;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Properties;

/** camel-kafka's client factory, with each client's own metrics bound to the bridge's registry. */
public final class MeteredKafkaClientFactory extends DefaultKafkaClientFactory {

    private final KafkaClientMeters meters;

    public MeteredKafkaClientFactory(KafkaClientMeters meters) {
        this.meters = meters;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return meters.bind(super.getProducer(kafkaProps));
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return meters.bind(super.getConsumer(kafkaProps));
    }
}
