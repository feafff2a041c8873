package cloud.acedata.dreamina.bridge.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLimitsTest {

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // --- API answers ---

    @Test
    void apiMapperReadsADetail() throws Exception {
        JsonNode detail = JsonLimits.apiMapper().readTree(
                bytes("{\"id\":\"x\",\"response\":{\"success\":true,\"data\":{\"status\":\"done\"}}}"));
        assertEquals("done", detail.path("response").path("data").path("status").asText());
    }

    @Test
    void apiMapperAllowsDepth64ButNot65() throws Exception {
        ObjectMapper mapper = JsonLimits.apiMapper();
        assertTrue(mapper.readTree(bytes(nestedArrays(64))).isArray());
        assertThrows(StreamConstraintsException.class, () -> mapper.readTree(bytes(nestedArrays(65))));
    }

    @Test
    void apiMapperLimitsStringLength() throws Exception {
        ObjectMapper mapper = JsonLimits.apiMapper();
        assertEquals(1024 * 1024, mapper.readTree(bytes("\"" + "s".repeat(1024 * 1024) + "\"")).textValue().length());
        assertThrows(StreamConstraintsException.class,
                () -> mapper.readTree(bytes("\"" + "s".repeat(1024 * 1024 + 1) + "\"")));
    }

    @Test
    void apiMapperLimitsDocumentLength() {
        // 9 MiB of short strings: every value is small, the document is not
        String item = "\"" + "d".repeat(1000) + "\",";
        StringBuilder document = new StringBuilder("[");
        while (document.length() < 9 * 1024 * 1024) {
            document.append(item);
        }
        document.append("\"end\"]");
        assertThrows(StreamConstraintsException.class,
                () -> JsonLimits.apiMapper().readTree(bytes(document.toString())));
    }

    @Test
    void apiMapperRejectsTrailingTokens() {
        assertThrows(JsonProcessingException.class, () -> JsonLimits.apiMapper().readTree("{\"a\":1} {\"b\":2}"));
    }

    @Test
    void apiMapperIgnoresUnknownPropertiesWhenBinding() throws Exception {
        Status status = JsonLimits.apiMapper().readValue("{\"status\":\"done\",\"elapsed\":12.5}", Status.class);
        assertEquals("done", status.status);
    }

    static final class Status {
        public String status;
    }

    // --- input records ---

    @Test
    void inputMapperAllowsDepth16ButNot17() throws Exception {
        ObjectMapper mapper = JsonLimits.inputMapper();
        assertTrue(mapper.readTree(nestedArrays(16)).isArray());
        assertThrows(StreamConstraintsException.class, () -> mapper.readTree(nestedArrays(17)));
    }

    @Test
    void inputMapperLimitsStringsAndNumbers() throws Exception {
        ObjectMapper mapper = JsonLimits.inputMapper();
        assertEquals(4096, mapper.readTree("\"" + "s".repeat(4096) + "\"").textValue().length());
        assertThrows(StreamConstraintsException.class, () -> mapper.readTree("\"" + "s".repeat(4097) + "\""));
        assertTrue(mapper.readTree("9".repeat(64)).isNumber());
        assertThrows(StreamConstraintsException.class, () -> mapper.readTree("9".repeat(65)));
    }

    @Test
    void inputMapperLimitsDocumentLength() {
        String document = "[" + "1,".repeat(9000) + "1]";
        assertThrows(StreamConstraintsException.class, () -> JsonLimits.inputMapper().readTree(bytes(document)));
    }

    @Test
    void inputMapperRejectsTrailingTokensAndDuplicateKeys() {
        ObjectMapper mapper = JsonLimits.inputMapper();
        assertThrows(JsonProcessingException.class, () -> mapper.readTree("{\"id\":\"a\"} x"));
        assertThrows(JsonProcessingException.class, () -> mapper.readTree("{\"id\":\"a\",\"id\":\"b\"}"));
    }

    @Test
    void errorMessagesDoNotEchoLongInput() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> JsonLimits.inputMapper().readTree("{\"id\":" + "x".repeat(5000) + "}"));
        assertFalse(e.getMessage().contains("x".repeat(JsonLimits.MAX_ERROR_TOKEN_LENGTH + 1)), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void eachCallReturnsItsOwnMapper() {
        assertFalse(JsonLimits.apiMapper() == JsonLimits.apiMapper());
    }
}
