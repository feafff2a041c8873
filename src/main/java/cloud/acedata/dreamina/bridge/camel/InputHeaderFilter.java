package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;

/**
 * Keeps input record headers the bridge must not take in ({@link BridgeHeaders#isReserved}): names starting with {@code Camel}, {@code kafka.} or
 * {@code dreamina.} in any letter case, and {@code Authorization} / {@code Proxy-Authorization}. Such a header could steer a Kafka producer ({@code CamelKafkaOverrideTopic},
 * {@code CamelKafkaKey}), overwrite the consumer's record metadata ({@code kafka.OFFSET}) or forge the bridge's own
 * headers ({@code dreamina.pending.due}, {@code dreamina.error.code}) — Camel's header map and the headers read from
 * the pending topic are case-insensitive, so {@code DREAMINA.PENDING.DUE} is as dangerous as the real name.
 *
 * <p>Set once on the kafka component ({@code camel.component.kafka.header-filter-strategy}), it keeps such headers
 * off every consumed exchange; {@link TaskIntake} applies the same rule again to the raw record headers, whatever
 * the component's filter does. Letter case is compared as {@link String#CASE_INSENSITIVE_ORDER} (and Camel's header
 * map) compare it, so {@code DREAMİNA.} (dotted capital I) or a Kelvin sign for {@code k} are caught too.
 */
public class InputHeaderFilter extends KafkaHeaderFilterStrategy {

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return BridgeHeaders.isReserved(headerName) || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
