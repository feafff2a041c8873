package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.delivery.RouteProducerFactory;
import cloud.acedata.dreamina.bridge.delivery.RouteTransaction;
import cloud.acedata.dreamina.bridge.support.EditedRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route-edit guard of exactly-once without a broker: the project's YAML routes, edited as an operator would,
 * loaded into a context that is never started (no client is created), checked as the start checks them.
 */
class RouteEditCheckTest {

    private static final String BROKERS = "broker-1:9092,broker-2:9092";

    @Test
    void theProjectsRoutesWriteInTheTransaction() throws Exception {
        assertEquals(List.of(), bypasses(EditedRoutes.project()));
    }

    @Test
    void anOperatorsStepsHeadersAndFiltersKeepTheEndpointAndPass() throws Exception {
        Map<String, String> routes = EditedRoutes.project();
        String anchor = "      uri: direct:publish-video\n      steps:\n";
        routes.put(EditedRoutes.PUBLISH_VIDEO, routes.get(EditedRoutes.PUBLISH_VIDEO).replace(anchor, anchor + """
                        - setHeader:
                            name: x-operator-note
                            expression:
                              constant:
                                expression: edited-by-operator
                        - filter:
                            expression:
                              simple:
                                expression: "${header[dreamina.task.id]} != 'skip-me'"
                            steps:
                              - to:
                                  uri: kafka:{{dreamina.topic.output}}-copy
                """));
        assertTrue(routes.get(EditedRoutes.PUBLISH_VIDEO).contains("x-operator-note"), "edited");
        assertEquals(List.of(), bypasses(routes));
    }

    @Test
    void theComponentsOwnBrokersWrittenOnTheEndpointPass() throws Exception {
        assertEquals(List.of(), bypasses(publishVideoWith(Map.of("brokers", "broker-2:9092, broker-1:9092"))));
    }

    @Test
    void transactedIsRefusedNamingTheRouteAndTheEndpoint() throws Exception {
        List<String> found = bypasses(publishVideoWith(Map.of("transacted", "true")));
        assertEquals(List.of("route publish-video: kafka:{{dreamina.topic.output}}?transacted=true sets "
                + "transacted=true"), found);
    }

    @Test
    void otherBrokersAreRefused() throws Exception {
        List<String> found = bypasses(publishVideoWith(Map.of("brokers", "elsewhere:9092")));
        assertEquals(1, found.size(), found::toString);
        assertTrue(found.get(0).startsWith("route publish-video: kafka:{{dreamina.topic.output}}?brokers="),
                found.get(0));
        assertTrue(found.get(0).endsWith(" sets brokers other than camel.component.kafka.brokers"), found.get(0));
    }

    @Test
    void aTransactionalIdOrAProducerOfItsOwnIsRefused() throws Exception {
        assertTrue(bypasses(publishVideoWith(Map.of("transactionalId", "mine"))).get(0)
                .endsWith(" sets transactionalId"));
        assertTrue(bypasses(publishVideoWith(Map.of("additionalProperties.transactional.id", "mine"))).get(0)
                .endsWith(" sets additionalProperties.transactional.id"));
        assertTrue(bypasses(publishVideoWith(Map.of("additionalProperties.bootstrap.servers", "elsewhere:9092")))
                .get(0).endsWith(" sets additionalProperties.bootstrap.servers"));
    }

    @Test
    void aClientFactoryOfItsOwnIsRefused() throws Exception {
        try (CamelContext context = context()) {
            context.getRegistry().bind("ownFactory", new DefaultKafkaClientFactory());
            load(context, publishVideoWith(Map.of("kafkaClientFactory", "#ownFactory")));
            List<String> found = RouteEditCheck.bypasses(context);
            assertEquals(1, found.size(), found::toString);
            assertTrue(found.get(0).endsWith(" sets kafkaClientFactory of its own"), found.get(0));
        }
    }

    @Test
    void anotherKafkaComponentIsRefused() throws Exception {
        try (CamelContext context = context()) {
            KafkaComponent second = new KafkaComponent();
            second.getConfiguration().setBrokers(BROKERS);
            context.addComponent("kafka2", second);
            load(context, Map.of("audit.camel.yaml", route("audit", "kafka2:audit")));
            assertEquals(List.of("route audit: kafka2:audit is an endpoint of another Kafka component, whose "
                    + "producers are not the bridge's"), RouteEditCheck.bypasses(context));
        }
    }

    @Test
    void aSendInsideAChoiceOfANewRouteIsFound() throws Exception {
        Map<String, String> routes = EditedRoutes.project();
        routes.put("audit.camel.yaml", newRoute("audit") + """
                        - choice:
                            when:
                              - expression:
                                  simple:
                                    expression: "${header.loud} == 'yes'"
                                steps:
                                  - to:
                                      uri: "kafka:audit?transacted=true"
                """);
        assertEquals(List.of("route audit: kafka:audit?transacted=true sets transacted=true"), bypasses(routes));
    }

    @Test
    void aDynamicUriIsJudgedByTheOptionsWrittenInIt() throws Exception {
        Map<String, String> routes = EditedRoutes.project();
        routes.put("audit.camel.yaml", newRoute("audit") + """
                        - toD:
                            uri: "kafka:${header.topic}?brokers=${header.cluster}"
                        - toD:
                            uri: "kafka:${header.topic}?lingerMs=5"
                """);
        assertEquals(List.of("route audit: kafka:${header.topic}?brokers=${header.cluster} sets brokers"),
                bypasses(routes));
    }

    @Test
    void aSendOfTheErrorPolicyIsFound() throws Exception {
        Map<String, String> routes = EditedRoutes.project();
        String policy = routes.get("error-policy.camel.yaml");
        String anchor = "          steps:\n            - bean:\n";
        assertTrue(policy.contains(anchor), policy);
        routes.put("error-policy.camel.yaml", policy.replace(anchor, """
                          steps:
                            - to:
                                uri: "kafka:audit?brokers=elsewhere:9092"
                            - bean:
                """));
        // Camel copies the configuration's steps into each route that uses it: one entry, every place named.
        List<String> found = bypasses(routes);
        assertEquals(1, found.size(), found::toString);
        assertTrue(found.get(0).contains("route publish-video, "), found.get(0));
        assertTrue(found.get(0).endsWith("route configuration bridge-error-policy: kafka:audit?brokers=elsewhere:9092 "
                + "sets brokers other than camel.component.kafka.brokers"), found.get(0));
    }

    @Test
    void theConsumerGroupProtocolOfTheIngestRouteIsRefused() throws Exception {
        Map<String, String> routes = EditedRoutes.project();
        String anchor = "        groupId: \"{{dreamina.consumer.group}}\"\n";
        assertTrue(routes.get("ingest-tasks.camel.yaml").contains(anchor), routes.get("ingest-tasks.camel.yaml"));
        routes.put("ingest-tasks.camel.yaml", routes.get("ingest-tasks.camel.yaml").replace(anchor,
                anchor + "        groupProtocol: consumer\n"));
        List<String> found = bypasses(routes);
        assertEquals(1, found.size(), found::toString);
        assertTrue(found.get(0).startsWith("route ingest-tasks: kafka:{{dreamina.topic.input}}?"), found.get(0));
        assertTrue(found.get(0).contains(" reads with groupProtocol=consumer (the consumer protocol's member epochs "
                + "abort transactions on brokers without KIP-1251: keep classic)"), found.get(0));
    }

    @Test
    void theRefusalIsOneLineNamingTheSettingTheRouteAndTheEndpoint() throws Exception {
        try (CamelContext context = context()) {
            load(context, publishVideoWith(Map.of("transacted", "true")));
            SettingException refusal = assertThrows(SettingException.class,
                    () -> RouteEditCheck.refuseBypasses(context));
            assertEquals("dreamina.delivery.guarantee", refusal.key());
            assertEquals("dreamina.delivery.guarantee (environment variable DREAMINA_DELIVERY_GUARANTEE): under "
                    + "exactly-once the routes' kafka: endpoints write in the bridge's transaction (README \"Exactly "
                    + "once\"), but route publish-video: kafka:{{dreamina.topic.output}}?transacted=true sets "
                    + "transacted=true: remove that, or set at-least-once", refusal.getMessage());
            assertTrue(refusal.getMessage().lines().count() == 1, "one line");
        }
    }

    private static Map<String, String> publishVideoWith(Map<String, String> parameters) {
        Map<String, String> routes = EditedRoutes.project();
        routes.put(EditedRoutes.PUBLISH_VIDEO, EditedRoutes.publishVideoWith(parameters));
        return routes;
    }

    /** A new route of the operator's, {@code direct:<id>}, up to its first step. */
    private static String newRoute(String id) {
        return "- route:\n    id: " + id + "\n    from:\n      uri: direct:" + id + "\n      steps:\n";
    }

    private static String route(String id, String to) {
        return newRoute(id) + "        - to:\n            uri: \"" + to + "\"\n";
    }

    private static List<String> bypasses(Map<String, String> routes) throws Exception {
        try (CamelContext context = context()) {
            load(context, routes);
            return RouteEditCheck.bypasses(context);
        }
    }

    /** As the bridge configures it under exactly-once: the kafka component's brokers and its routes' factory. */
    private static CamelContext context() {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:config/application.properties");
        context.getPropertiesComponent().setOverrideProperties(properties());
        KafkaComponent kafka = new KafkaComponent();
        kafka.getConfiguration().setBrokers(BROKERS);
        kafka.setKafkaClientFactory(new RouteProducerFactory(new DefaultKafkaClientFactory(), new RouteTransaction()));
        context.addComponent("kafka", kafka);
        return context;
    }

    private static java.util.Properties properties() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("dreamina.api.token", "unused");
        return properties;
    }

    private static void load(CamelContext context, Map<String, String> routes) throws Exception {
        List<Resource> resources = new ArrayList<>();
        new HashMap<>(routes).forEach((name, yaml) -> resources.add(ResourceHelper.fromString(name, yaml)));
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
    }
}
