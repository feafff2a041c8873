package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Creates (when missing) and checks the pending topic once Camel main has configured the {@code kafka} component
 * (brokers, security) and before the context starts: a refusal then reaches {@code main} as one line, without the
 * stack trace Camel logs for a failure inside the context's start.
 */
public final class PendingTopicCheck extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PendingTopic.ensureSafe(new KafkaClients(context).admin(),
                BridgeSettings.from(context.getPropertiesComponent()));
    }
}
