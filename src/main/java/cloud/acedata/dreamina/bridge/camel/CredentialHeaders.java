package cloud.acedata.dreamina.bridge.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.List;

/**
 * The error policy's guard in front of every {@code kafka:} endpoint: removes the {@code Authorization} and
 * {@code Proxy-Authorization} headers, in any letter case, so that no credential reaches a record. A plain
 * comparison of names: Camel's {@code removeHeaders} with a regular expression compiled it again for every header
 * of every record written.
 */
public final class CredentialHeaders implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        if (!message.hasHeaders()) {
            return;
        }
        List<String> credentials = new ArrayList<>(1);
        for (String name : message.getHeaders().keySet()) {
            if (isCredential(name)) {
                credentials.add(name);
            }
        }
        credentials.forEach(message::removeHeader);
    }

    static boolean isCredential(String name) {
        return name.equalsIgnoreCase("authorization") || name.equalsIgnoreCase("proxy-authorization");
    }
}
