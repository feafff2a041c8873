package cloud.acedata.dreamina.bridge.delivery;

import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Under exactly-once, what makes a {@code kafka:} endpoint the routes send to write <em>outside</em> the bridge's
 * transaction. Such an endpoint gets its producer from the {@code kafka} component's client factory
 * ({@link RouteProducerFactory}), which hands it the poll path's transaction; an endpoint leaves it, silently, when
 * it
 * <ul>
 *   <li>belongs to another Kafka component (its own client factory);</li>
 *   <li>sets a {@code kafkaClientFactory} of its own;</li>
 *   <li>names brokers other than the component's (the transaction's producer writes to the component's cluster:
 *       the records would land there, not where the edit says);</li>
 *   <li>sets {@code transacted} or {@code transactionalId} (camel-kafka's transaction per exchange, which never holds
 *       the consumed offsets), or {@code additionalProperties} of a producer of its own
 *       ({@code transactional.id}, {@code bootstrap.servers}).</li>
 * </ul>
 * An endpoint a route reads from must keep the classic group protocol ({@link #ofConsumer}).
 */
public final class TransactionBypass {

    /** The query parameters (as written in a URI) that give an endpoint a producer or transaction of its own. */
    public static final Set<String> OPTIONS = Set.of("brokers", "transacted", "transactionalid", "kafkaclientfactory",
            "additionalproperties.transactional.id", "additionalproperties.bootstrap.servers");

    private static final List<String> OWN_PRODUCER_PROPERTIES = List.of("transactional.id", "bootstrap.servers");

    private TransactionBypass() {
    }

    /**
     * @param endpoint an endpoint a route sends to
     * @param kafka    the {@code kafka} component, whose client factory holds the transaction
     * @return why the endpoint's writes would not be in the transaction ("sets transacted=true"); empty when they
     *         would
     */
    public static Optional<String> of(KafkaEndpoint endpoint, KafkaComponent kafka) {
        if (endpoint.getComponent() != kafka) {
            return Optional.of("is an endpoint of another Kafka component, whose producers are not the bridge's");
        }
        KafkaConfiguration own = endpoint.getConfiguration();
        List<String> reasons = new ArrayList<>();
        if (endpoint.getKafkaClientFactory() != null && endpoint.getKafkaClientFactory() != kafka.getKafkaClientFactory()) {
            reasons.add("kafkaClientFactory of its own");
        }
        if (!sameBrokers(own.getBrokers(), kafka.getConfiguration().getBrokers())) {
            reasons.add("brokers other than camel.component.kafka.brokers");
        }
        if (own.isTransacted()) {
            reasons.add("transacted=true");
        }
        if (own.getTransactionalId() != null && !own.getTransactionalId().isBlank()) {
            reasons.add("transactionalId");
        }
        Map<String, Object> additional = own.getAdditionalProperties();
        for (String property : OWN_PRODUCER_PROPERTIES) {
            if (additional != null && additional.containsKey(property)) {
                reasons.add("additionalProperties." + property);
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of("sets " + String.join(", ", reasons));
    }

    /**
     * For an endpoint a route <em>reads</em> from: the group protocol. Under the new consumer protocol (KIP-848) a
     * member's epoch changes with each assignment, and a broker without KIP-1251 refuses the transactional offset
     * commit of the previous epoch: the transaction aborts. The bridge keeps the classic protocol.
     *
     * @return why the endpoint's reads would not fit the transaction; empty when they would
     */
    public static Optional<String> ofConsumer(KafkaEndpoint endpoint) {
        String protocol = endpoint.getConfiguration().getGroupProtocol();
        return protocol == null || protocol.trim().equalsIgnoreCase("classic")
                ? Optional.empty()
                : Optional.of("reads with groupProtocol=" + protocol.trim() + " (the consumer protocol's member epochs "
                        + "abort transactions on brokers without KIP-1251: keep classic)");
    }

    /**
     * The same test on the text of a dynamic URI ({@code toD}, {@code wireTap} with an expression), whose endpoint
     * exists only at run time: the options of {@link #OPTIONS} written in its query, whatever their value.
     */
    public static Optional<String> ofDynamicUri(String uri) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        Set<String> found = new TreeSet<>();
        for (String parameter : uri.substring(query + 1).split("&")) {
            String name = parameter.split("=", 2)[0].trim();
            if (OPTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                found.add(name);
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of("sets " + String.join(", ", found));
    }

    private static boolean sameBrokers(String endpoint, String component) {
        return brokerSet(endpoint).equals(brokerSet(component));
    }

    private static Set<String> brokerSet(String brokers) {
        Set<String> set = new TreeSet<>();
        if (brokers != null) {
            Arrays.stream(brokers.split(",")).map(String::trim).filter(b -> !b.isEmpty()).forEach(set::add);
        }
        return set;
    }
}
