package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One answer of the simulator: status, content type, body and an optional {@code Retry-After} header value; or
 * {@link #NONE}, which closes the connection without answering.
 */
public record SimulatorAnswer(int status, String contentType, byte[] body, String retryAfter) {

    static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * No answer at all: the connection is closed where an answer was due (the client reads end of stream, an I/O
     * error).
     */
    public static final SimulatorAnswer NONE = new SimulatorAnswer(0, null, new byte[0], null);

    /** Messages of the vendor's error codes (docs/tasks-api.md, "Errors"; wording is the simulator's). */
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("bad_request", "bad request"),
            Map.entry("no_token", "no token provided, set the authorization header to Bearer {token}"),
            Map.entry("invalid_token", "the token is invalid"),
            Map.entry("token_expired", "the token has expired"),
            Map.entry("token_mismatched", "the token does not belong to this service"),
            Map.entry("disabled", "the token has been disabled"),
            Map.entry("used_up", "the balance of this token is used up"),
            Map.entry("forbidden", "access to this api is forbidden"),
            Map.entry("no_api", "no api found for this path"),
            Map.entry("too_many_requests", "too many requests, rate limit exceeded"),
            Map.entry("rate_limited", "too many concurrent requests, retry later"),
            Map.entry("api_error", "internal server error"),
            Map.entry("timeout", "the request timed out"));

    public SimulatorAnswer {
        Objects.requireNonNull(body, "body");
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        if (status != 0) {
            Objects.requireNonNull(contentType, "contentType");
        }
    }

    /** True for {@link #NONE}. */
    public boolean closesConnection() {
        return status == 0;
    }

    /** The simulator's message for one of the vendor's error codes, or {@code null} for a code not in its table. */
    public static String vendorMessage(String code) {
        return MESSAGES.get(code);
    }

    public static SimulatorAnswer json(int status, JsonNode body) {
        return json(status, body, null);
    }

    public static SimulatorAnswer json(int status, JsonNode body, String retryAfter) {
        try {
            return new SimulatorAnswer(status, JSON_TYPE, JSON.writeValueAsBytes(body), retryAfter);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /** The vendor's error body {@code {"error":{"code","message"},"trace_id"}}, with no success field. */
    public static SimulatorAnswer error(int status, String code, String message, String retryAfter) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        body.put("trace_id", UUID.randomUUID().toString());
        return json(status, body, retryAfter);
    }

    @Override
    public String toString() {
        return closesConnection() ? "SimulatorAnswer[none]"
                : "SimulatorAnswer[" + status + " " + contentType + ", " + body.length + " bytes"
                        + (retryAfter != null ? ", Retry-After: " + retryAfter : "") + "]";
    }
}
