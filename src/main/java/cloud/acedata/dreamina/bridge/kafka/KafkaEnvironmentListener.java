package cloud.acedata.dreamina.bridge.kafka;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Applies {@link KafkaEnvironment} before camel-main configures the kafka component, so that a
 * {@code CAMEL_COMPONENT_KAFKA_*} variable reaches every Kafka client of the bridge (the routes' consumers and
 * producers, and the bridge's own clients, which {@link KafkaClients} builds from the component).
 */
public final class KafkaEnvironmentListener extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        KafkaEnvironment.ofKafkaComponent().properties(System.getenv(), System.getProperties())
                .forEach(properties::addOverrideProperty);
    }
}
