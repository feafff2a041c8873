package cloud.acedata.dreamina.bridge.api;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer of the Tasks API, as received.
 *
 * @param status     the HTTP status
 * @param body       the body bytes (empty, never null)
 * @param retryAfter the {@code Retry-After} header, or null
 */
public record ApiAnswer(int status, byte[] body, String retryAfter) {

    public ApiAnswer {
        body = body == null ? new byte[0] : body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
