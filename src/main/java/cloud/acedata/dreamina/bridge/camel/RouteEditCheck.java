package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.DeliverySettings;
import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.delivery.TransactionBypass;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.util.URISupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Under {@code dreamina.delivery.guarantee=exactly-once}, refuses the start, in one line, when a route sends to a
 * {@code kafka:} endpoint that would write outside the bridge's transaction ({@link TransactionBypass}): an operator's
 * edit of the YAML routes must not silently lose the guarantee. Edits that keep the endpoint as it is (a step, a
 * header, a filter) pass. Runs once Camel main has configured the {@code kafka} component and loaded the routes, and
 * before the context starts (as {@link PendingTopicCheck}): the refusal reaches {@code main} as a
 * {@link SettingException} of {@code dreamina.delivery.guarantee}, without a stack trace.
 *
 * <p>Checked: every {@code to} (and {@code toD}/{@code wireTap}) of every route and route configuration — a static
 * URI through the endpoint Camel makes of it, a URI with an expression through the options written in it — and the
 * group protocol of every {@code kafka:} endpoint a route reads from. Not
 * seen: an endpoint a {@code recipientList}, {@code routingSlip}, {@code dynamicRouter} or {@code enrich} computes at
 * run time, and a write to Kafka that is not a {@code kafka:} endpoint (a bean with a producer of its own, a REST
 * proxy over {@code http:}).
 */
public final class RouteEditCheck extends MainListenerSupport {

    static final String KEY = "dreamina.delivery.guarantee";

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        DeliverySettings delivery = DeliverySettings.from(context.getPropertiesComponent(), System.getenv());
        if (delivery.exactlyOnce()) {
            refuseBypasses(context);
        }
    }

    /** Throws the one line naming every route and endpoint that would write outside the transaction. */
    static void refuseBypasses(CamelContext context) {
        List<String> bypasses = bypasses(context);
        if (!bypasses.isEmpty()) {
            throw new SettingException(KEY, "under exactly-once the routes' kafka: endpoints write in the bridge's "
                    + "transaction (README \"Exactly once\"), but " + String.join("; ", bypasses) + ": remove "
                    + "that, or set at-least-once");
        }
    }

    /**
     * One description per offending endpoint: {@code route <id>: <uri as written> sets transacted=true}, naming every
     * route that sends to it (a route configuration's send is also in each route that uses the configuration).
     */
    static List<String> bypasses(CamelContext context) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        Map<String, Set<String>> found = new LinkedHashMap<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            String name = "route " + (route.getRouteId() != null ? route.getRouteId() : route.getInput().getUri());
            String from = route.getInput().getEndpointUri();
            if (from != null && kafkaEndpoint(context, context.resolvePropertyPlaceholders(from))
                    instanceof KafkaEndpoint input) {
                TransactionBypass.ofConsumer(input).ifPresent(why -> note(found, name, from, why));
            }
            check(context, kafka, name, route.getOutputs(), found);
        }
        for (RouteConfigurationDefinition configuration : model.getRouteConfigurationDefinitions()) {
            List<ProcessorDefinition<?>> parts = new ArrayList<>();
            parts.addAll(configuration.getOnExceptions());
            parts.addAll(configuration.getIntercepts());
            parts.addAll(configuration.getInterceptFroms());
            parts.addAll(configuration.getInterceptSendTos());
            parts.addAll(configuration.getOnCompletions());
            check(context, kafka, "route configuration " + configuration.getId(), parts, found);
        }
        List<String> lines = new ArrayList<>();
        found.forEach((endpoint, places) -> lines.add(String.join(", ", places) + ": " + endpoint));
        return lines;
    }

    private static void check(CamelContext context, KafkaComponent kafka, String where,
                              List<ProcessorDefinition<?>> outputs, Map<String, Set<String>> found) {
        for (SendDefinition<?> send : ProcessorDefinitionHelper.filterTypeInOutputs(outputs, SendDefinition.class)) {
            String uri = send.getEndpointUri();
            if (uri != null) {
                reason(context, kafka, context.resolvePropertyPlaceholders(uri))
                        .ifPresent(why -> note(found, where, uri, why));
            }
        }
        for (ToDynamicDefinition send : ProcessorDefinitionHelper.filterTypeInOutputs(outputs,
                ToDynamicDefinition.class)) {
            String uri = context.resolvePropertyPlaceholders(send.getUri());
            Optional<String> why = uri.contains("${") || uri.contains("$simple{")
                    ? dynamicReason(context, uri)
                    : reason(context, kafka, uri);
            why.ifPresent(w -> note(found, where, send.getUri(), w));
        }
    }

    private static void note(Map<String, Set<String>> found, String where, String uri, String why) {
        found.computeIfAbsent(URISupport.sanitizeUri(uri) + " " + why, key -> new LinkedHashSet<>()).add(where);
    }

    private static Optional<String> reason(CamelContext context, KafkaComponent kafka, String uri) {
        return kafkaEndpoint(context, uri) instanceof KafkaEndpoint endpoint
                ? TransactionBypass.of(endpoint, kafka)
                : Optional.empty();
    }

    /** The endpoint of {@code uri} when its scheme is a Kafka component's (no other endpoint is made early); else null. */
    private static Endpoint kafkaEndpoint(CamelContext context, String uri) {
        int colon = uri.indexOf(':');
        return colon > 0 && context.getComponent(uri.substring(0, colon)) instanceof KafkaComponent
                ? context.getEndpoint(uri)
                : null;
    }

    private static Optional<String> dynamicReason(CamelContext context, String uri) {
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon) : "";
        boolean kafkaScheme = !scheme.isEmpty() && !scheme.contains("$")
                && context.hasComponent(scheme) instanceof KafkaComponent;
        return kafkaScheme || scheme.equals("kafka") ? TransactionBypass.ofDynamicUri(uri) : Optional.empty();
    }
}
