package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;

import java.time.Duration;

/** The {@link BaselineRoute} in a Camel context of its own. */
final class BaselineSubject implements Subject {

    private final CamelContext context;
    private final BaselineRoute route;
    private final String group;

    private BaselineSubject(CamelContext context, BaselineRoute route, String group) {
        this.context = context;
        this.route = route;
        this.group = group;
    }

    static BaselineSubject start(String bootstrapServers, String apiBaseUrl, String token, TestTopics topics,
                                 int consumers, Duration cadence) throws Exception {
        CamelContext context = new DefaultCamelContext();
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers(bootstrapServers);
        // The same stop behaviour as the bridge's configuration: a short poll, so that stopping does not wait 5 s.
        kafka.getConfiguration().setPollTimeoutMs(500L);
        BaselineRoute route = new BaselineRoute(topics.in(), topics.out(), topics.dlq(), topics.group(), consumers,
                apiBaseUrl, token, cadence, Duration.ofHours(1));
        context.addRoutes(route);
        context.start();
        return new BaselineSubject(context, route, topics.group());
    }

    @Override
    public String kind() {
        return "baseline";
    }

    @Override
    public String inputGroup() {
        return group;
    }

    @Override
    public void close() {
        // Its loops end within a cadence (their tasks go to the dead-letter topic, after the measurement).
        route.endLoops();
        context.stop();
    }
}
