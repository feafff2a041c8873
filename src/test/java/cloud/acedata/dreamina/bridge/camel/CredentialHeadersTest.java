package cloud.acedata.dreamina.bridge.camel;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CredentialHeadersTest {

    @Test
    void removesAuthorizationAndProxyAuthorizationInAnyLetterCaseAndNothingElse() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("AUTHORIZATION", "Bearer secret");
        exchange.getMessage().setHeader("proxy-Authorization", "Basic c2VjcmV0");
        exchange.getMessage().setHeader("dreamina.task.id", "task-1");
        exchange.getMessage().setHeader("x-authorization-hint", "kept");
        exchange.getMessage().setHeader("Authorization-Extra", "kept");

        new CredentialHeaders().process(exchange);

        assertEquals(Set.of("dreamina.task.id", "x-authorization-hint", "Authorization-Extra"),
                exchange.getMessage().getHeaders().keySet());
    }
}
