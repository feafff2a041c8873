package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.util.JsonLimits;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApiErrorTest {

    private static final ObjectMapper MAPPER = JsonLimits.apiMapper();

    private static ApiError of(int status, String body) {
        return ApiError.of(new ApiAnswer(status, body == null ? null : body.getBytes(StandardCharsets.UTF_8), null),
                MAPPER);
    }

    @Test
    void documentedErrorShape() {
        ApiError error = of(401, "{\"error\":{\"code\":\"invalid_token\",\"message\":\"The token is invalid\"},"
                + "\"trace_id\":\"3f2b9c1e-0000-4000-8000-000000000001\"}");
        assertEquals(new ApiError(401, "invalid_token", "The token is invalid"), error);
    }

    @Test
    void successFalseShapeOfA429() {
        ApiError error = of(429, "{\"success\":false,\"error\":{\"code\":\"rate_limited\","
                + "\"message\":\"Too many concurrent requests\"}}");
        assertEquals(new ApiError(429, "rate_limited", "Too many concurrent requests"), error);
    }

    @Test
    void eachDocumentedCodePassesThrough() {
        assertEquals("bad_request", of(400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"m\"}}").code());
        assertEquals("no_token", of(400, "{\"error\":{\"code\":\"no_token\",\"message\":\"m\"}}").code());
        assertEquals("used_up", of(403, "{\"error\":{\"code\":\"used_up\",\"message\":\"m\"}}").code());
        assertEquals("no_api", of(404, "{\"error\":{\"code\":\"no_api\",\"message\":\"m\"}}").code());
        assertEquals("api_error", of(500, "{\"error\":{\"code\":\"api_error\",\"message\":\"m\"}}").code());
        assertEquals("timeout", of(504, "{\"error\":{\"code\":\"timeout\",\"message\":\"m\"}}").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html><body>502 Bad Gateway</body></html>", "", "   ", "[]", "\"oops\"", "{}",
            "{\"error\":\"boom\"}", "{\"error\":null}", "{\"error\":[1]}", "{\"error\":{\"code\":\"x\"", "42"})
    void answerWithoutTheDocumentedShapeGetsHttpStatusCode(String body) {
        assertEquals(new ApiError(502, "http_502", "HTTP 502"), of(502, body));
    }

    @Test
    void nullBodyGetsHttpStatusCode() {
        assertEquals(new ApiError(504, "http_504", "HTTP 504"), of(504, null));
    }

    @Test
    void missingCodeOrMessageFallsBackSeparately() {
        assertEquals(new ApiError(500, "http_500", "it broke"), of(500, "{\"error\":{\"message\":\"it broke\"}}"));
        assertEquals(new ApiError(500, "api_error", "HTTP 500"), of(500, "{\"error\":{\"code\":\"api_error\"}}"));
        assertEquals(new ApiError(500, "http_500", "HTTP 500"), of(500, "{\"error\":{\"code\":\"\",\"message\":\"\"}}"));
    }

    @Test
    void longMessagesAreTruncated() {
        ApiError error = of(400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"" + "m".repeat(2000) + "\"}}");
        assertEquals("m".repeat(500) + "…", error.message());
    }
}
