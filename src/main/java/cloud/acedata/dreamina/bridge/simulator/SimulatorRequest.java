package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * One request as the simulator received it, handed to its {@link ExchangeHook}.
 *
 * @param arrivalNanos {@link System#nanoTime()} when the request arrived
 * @param method the HTTP method
 * @param path the request path
 * @param authorization the {@code authorization} header, or {@code null} when absent
 * @param body the body's bytes (read up to one byte over the simulator's size limit)
 * @param json the body parsed as JSON, or {@code null} when it is empty, too large or not JSON
 */
public record SimulatorRequest(long arrivalNanos, String method, String path, String authorization, byte[] body,
        JsonNode json) {

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The action the body names: {@code "retrieve"} for a JSON object without one (the documented default), the
     * text of its {@code action} field otherwise, {@code null} when the body is not a JSON object.
     */
    public String action() {
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode action = json.get("action");
        return action == null || action.isNull() ? "retrieve" : action.asText();
    }
}
