package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputHeaderFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"CamelKafkaOverrideTopic", "CAMELKAFKAOVERRIDETOPIC", "camelKafkaKey", "CamelKafkaPartition",
            "kafka.OVERRIDE_TOPIC", "KAFKA.OFFSET", "Kafka.Headers", "dreamina.pending.due", "DREAMINA.PENDING.DUE",
            "Dreamina.Error.Code", "dreamina.task.id", "org.apache.camel.x", "Authorization", "PROXY-AUTHORIZATION",
            // letters that Camel's case-insensitive header map folds onto the ASCII ones
            "DREAM\u0130NA.PENDING.DUE", "dream\u0131na.pending.due", "\u212Aafka.OFFSET"})
    void reservedNamesInAnyLetterCase(String name) {
        assertTrue(BridgeHeaders.isReserved(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"traceparent", "tracestate", "x-tenant", "content-type", "kafka", "dreamina", "dreaminax.y",
            "my.camel.header", "authorization-hint"})
    void ordinaryNames(String name) {
        assertFalse(BridgeHeaders.isReserved(name), name);
    }

    @Test
    void aNullNameIsReserved() {
        assertTrue(BridgeHeaders.isReserved(null));
    }

    @Test
    void theComponentFilterKeepsReservedHeadersOffTheExchangeAndLetsOrdinaryOnesIn() {
        InputHeaderFilter filter = new InputHeaderFilter();
        DefaultExchange exchange = new DefaultExchange(new DefaultCamelContext());
        for (String name : new String[] {"DREAMINA.PENDING.DUE", "dreamina.error.code", "CAMELKAFKAOVERRIDETOPIC",
                "kafka.OVERRIDE_TOPIC", "CamelKafkaKey", "Authorization"}) {
            assertTrue(filter.applyFilterToExternalHeaders(name, new byte[] {'x'}, exchange), name);
        }
        assertFalse(filter.applyFilterToExternalHeaders("traceparent", new byte[] {'x'}, exchange));
        // Outgoing: the bridge's own dreamina.* headers must still be written.
        assertFalse(filter.applyFilterToCamelHeaders("dreamina.task.id", "t1", exchange));
        assertTrue(filter.applyFilterToCamelHeaders("CamelKafkaKey", "k", exchange));
    }
}
