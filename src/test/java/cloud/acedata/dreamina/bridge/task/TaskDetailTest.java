package cloud.acedata.dreamina.bridge.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields of a task detail read in one pass, without a tree. The property holds the reader to what Jackson's tree
 * of the same JSON says ({@code path(...)}, a string only where {@code isTextual}): random objects made of the keys
 * the reader looks for, at any depth, with values of every JSON type and keys given twice.
 */
class TaskDetailTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> KEYS = List.of("id", "trace_id", "response", "success", "data", "error",
            "status", "video_url", "message", "code", "other");

    private static TaskDetail read(String json) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            parser.nextToken();
            TaskDetail detail = TaskDetail.read(parser);
            assertEquals(JsonToken.END_OBJECT, parser.currentToken(), "left on the detail's end");
            return detail;
        }
    }

    /** What the detail says by Jackson's tree: the oracle. */
    private static TaskDetail byTree(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        JsonNode response = root.path("response");
        JsonNode success = response.path("success");
        return new TaskDetail(root.isEmpty(), text(root.path("id")), text(root.path("trace_id")),
                success.isBoolean() ? success.booleanValue() : null, text(response.path("data").path("status")),
                text(response.path("data").path("video_url")), text(response.path("error").path("message")),
                text(response.path("error").path("code")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    @Property(tries = 2000)
    void readsWhatTheTreeOfTheSameJsonSays(@ForAll("details") String json) throws IOException {
        assertEquals(byTree(json), read(json), json);
    }

    @Provide
    Arbitrary<String> details() {
        return object(3);
    }

    private static Arbitrary<String> object(int depth) {
        Arbitrary<String> field = Arbitraries.of(KEYS).flatMap(key -> value(depth - 1)
                .map(value -> "\"" + key + "\":" + value));
        return field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab\"\\é ").ofMaxLength(4).map(TaskDetailTest::quoted),
                Arbitraries.of("true", "false", "null", "0", "-1.5e3", "\"done\"", "\"\""));
        if (depth <= 0) {
            return scalar;
        }
        return Arbitraries.frequencyOf(
                Tuple.of(3, scalar),
                Tuple.of(2, object(depth)),
                Tuple.of(1, value(depth - 1).list().ofMaxSize(3)
                        .map(values -> "[" + String.join(",", values) + "]")));
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void aDetailAsTheContractShowsIt() throws IOException {
        TaskDetail detail = read("{\"id\":\"f8a3\",\"trace_id\":\"tr-1\",\"request\":{\"id\":\"not this\"},"
                + "\"response\":{\"success\":true,\"data\":{\"task_id\":\"f8a3\",\"status\":\"done\","
                + "\"video_url\":\"https://cdn/v.mp4\",\"image_url\":\"https://in/i.png\"}},\"created_at\":1}");
        assertEquals(new TaskDetail(false, "f8a3", "tr-1", true, "done", "https://cdn/v.mp4", null, null), detail);
    }

    @Test
    void anEmptyObjectIsEmptyAndAnyFieldMakesItNot() throws IOException {
        assertTrue(read("{}").empty());
        TaskDetail other = read("{\"other\":[1,{\"id\":\"deep\"}]}");
        assertFalse(other.empty());
        assertNull(other.id(), "only the top level's id");
    }

    @Test
    void notAnObjectIsRefused() throws IOException {
        try (JsonParser parser = MAPPER.createParser("[{}]")) {
            parser.nextToken();
            assertThrows(IOException.class, () -> TaskDetail.read(parser));
        }
    }
}
