package cloud.acedata.dreamina.bridge.api;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;

import java.io.IOException;

/**
 * {@link TasksApi} over the {@code call-tasks-api} route ({@code routes/call-tasks-api.camel.yaml}), which adds the
 * credential and calls the API with camel-http. Each call is an exchange of its own, so neither the
 * {@code Authorization} header nor the HTTP answer's headers can reach a record bound for Kafka.
 */
public final class CamelTasksApi implements TasksApi {

    private final ProducerTemplate template;
    private final String endpointUri;

    public CamelTasksApi(ProducerTemplate template, String endpointUri) {
        this.template = template;
        this.endpointUri = endpointUri;
    }

    @Override
    public ApiAnswer post(byte[] requestJson) throws IOException {
        Exchange answer = template.send(endpointUri, exchange -> exchange.getIn().setBody(requestJson));
        Exception failure = answer.getException();
        if (failure != null) {
            IOException io = ObjectHelper.getException(IOException.class, failure);
            if (io != null) {
                throw io;
            }
            throw new IllegalStateException("The call-tasks-api route failed: " + failure.getMessage(), failure);
        }
        Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            throw new IllegalStateException("The call-tasks-api route returned no HTTP status");
        }
        byte[] body = answer.getMessage().getBody(byte[].class);
        String retryAfter = answer.getMessage().getHeader("Retry-After", String.class);
        return new ApiAnswer(status, body, retryAfter);
    }
}
