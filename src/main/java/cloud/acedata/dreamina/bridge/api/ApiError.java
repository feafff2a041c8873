package cloud.acedata.dreamina.bridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The error an API answer carries: {@code {"error":{"code","message"},"trace_id"}} (docs/tasks-api.md,
 * "Errors"), also inside {@code {"success":false,"error":{…}}}. An answer without that shape gets the code
 * {@code http_<status>}.
 */
public record ApiError(int status, String code, String message) {

    private static final int MAX_MESSAGE = 500;

    public static ApiError of(ApiAnswer answer, ObjectMapper mapper) {
        String fallbackCode = "http_" + answer.status();
        JsonNode error = null;
        try {
            JsonNode root = mapper.readTree(answer.body());
            error = root == null ? null : root.get("error");
        } catch (IOException e) {
            error = null; // not JSON: the status alone says what happened
        }
        if (error == null || !error.isObject()) {
            return new ApiError(answer.status(), fallbackCode, "HTTP " + answer.status());
        }
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        return new ApiError(answer.status(),
                code.isEmpty() ? fallbackCode : code,
                message.isEmpty() ? "HTTP " + answer.status() : truncate(message));
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }
}
