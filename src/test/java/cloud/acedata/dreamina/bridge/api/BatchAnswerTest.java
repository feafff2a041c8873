package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.util.JsonLimits;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchAnswerTest {

    private static final ObjectMapper MAPPER = JsonLimits.apiMapper();

    private static final String ID_1 = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";
    private static final String ID_2 = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    private static Map<String, TaskPoller.RawDetail> read(String body) throws IOException {
        return BatchAnswer.detailsById(body.getBytes(StandardCharsets.UTF_8), MAPPER);
    }

    private static String item(String id, String status) {
        return "{\"id\":\"" + id + "\",\"trace_id\":\"tr-" + id.substring(0, 4) + "\",\"response\":{\"success\":true,"
                + "\"data\":{\"task_id\":\"" + id.replace("-", "") + "\",\"status\":\"" + status + "\"}}}";
    }

    @Test
    void itemsAreKeyedByTopLevelIdNotByDataTaskId() throws IOException {
        Map<String, TaskPoller.RawDetail> details =
                read("{\"items\":[" + item(ID_1, "done") + "," + item(ID_2, "pending") + "],\"count\":2}");
        assertEquals(Set.of(ID_1, ID_2), details.keySet());
        assertNull(details.get(ID_1.replace("-", "")));
        assertEquals("done", details.get(ID_1).fields().status());
        assertEquals("pending", details.get(ID_2).fields().status());
        assertNull(details.get(ID_1).refusal());
    }

    @Test
    void eachItemKeepsItsExactBytes() throws IOException {
        // Odd spacing, escapes and multi-byte characters: byte offsets differ from character offsets.
        String first = "{ \"id\" : \"" + ID_1 + "\" ,\n\t\"note\":\"caf\u00e9 \u2014 \ud83c\udfac\","
                + " \"esc\":\"a\\\"b\\u00e9\",  \"response\" : {\"data\":{\"status\":\"done\"}}   }";
        String second = "{\"id\":\"" + ID_2 + "\",\"n\":[1, 2 ,{ }]}";
        String body = "\n  { \"count\" : 2 ,\"items\" :[  " + first + " ,\r\n" + second + "\t] }  \n";

        Map<String, TaskPoller.RawDetail> details = read(body);

        assertArrayEquals(first.getBytes(StandardCharsets.UTF_8), details.get(ID_1).raw());
        assertArrayEquals(second.getBytes(StandardCharsets.UTF_8), details.get(ID_2).raw());
        assertEquals("done", details.get(ID_1).fields().status(), "read past the multi-byte characters");
    }

    @Test
    void anEmptyItemsArrayGivesNoDetails() throws IOException {
        assertTrue(read("{\"items\":[],\"count\":0}").isEmpty());
    }

    /** Not the API's answer (a gateway's or another service's JSON): never read as "nothing finished yet". */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"status\":\"ok\"}",
            "{}",
            "{\"count\":0}",
            "{\"items\":null}",
            "{\"items\":{\"id\":\"a\"}}",
            "{\"items\":\"a\"}",
            "{\"items\":42}",
            "{\"data\":{\"items\":[{\"id\":\"nested\"}]}}"
    })
    void anObjectWithoutAnItemsArrayIsAnIOException(String body) {
        assertThrows(IOException.class, () -> read(body), body);
    }

    @Test
    void itemsNestedInAnotherFieldAreNotRead() throws IOException {
        Map<String, TaskPoller.RawDetail> details =
                read("{\"meta\":{\"items\":[{\"id\":\"nested\"}]},\"items\":[{\"id\":\"top\"}]}");
        assertEquals(Set.of("top"), details.keySet());
    }

    @Test
    void nonObjectItemsAndItemsWithoutTextIdAreSkipped() throws IOException {
        Map<String, TaskPoller.RawDetail> details = read("{\"items\":[1,\"x\",null,true,[{\"id\":\"in-array\"}],"
                + "{\"id\":7},{\"id\":null},{\"trace_id\":\"t\"},{\"id\":{\"v\":\"obj\"}},{\"id\":\"ok\"}]}");
        assertEquals(Set.of("ok"), details.keySet());
        assertArrayEquals("{\"id\":\"ok\"}".getBytes(StandardCharsets.UTF_8), details.get("ok").raw());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"items\":[]} x",
            "{\"items\":[]}{}",
            "{\"items\":[]} []",
            "{\"items\":[]},"
    })
    void trailingContentIsAnIOException(String body) {
        assertThrows(IOException.class, () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"items\"", "null", "<html>502</html>", "{\"items\":[", "{\"items\":[{\"id\":\"a\""})
    void notAJsonObjectIsAnIOException(String body) {
        assertThrows(IOException.class, () -> read(body));
    }
}
