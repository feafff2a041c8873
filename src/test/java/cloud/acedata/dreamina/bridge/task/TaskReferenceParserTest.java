package cloud.acedata.dreamina.bridge.task;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskReferenceParserTest {

    private static final String UUID = "f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c";

    private final TaskReferenceParser parser = new TaskReferenceParser();

    private TaskReference parse(String value) {
        return parser.parse(value.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidInputException rejected(byte[] value) {
        return assertThrows(InvalidInputException.class, () -> parser.parse(value));
    }

    private InvalidInputException rejected(String value) {
        return rejected(value.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertMessageContains(InvalidInputException e, String expected) {
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }

    // --- accepted ---

    @Test
    void bareTaskId() {
        assertEquals(new TaskReference(UUID, null), parse(UUID));
    }

    @Test
    void bareTaskIdIsTrimmed() {
        assertEquals(new TaskReference("abc_DEF-123", null), parse("  \t abc_DEF-123 \r\n"));
    }

    @Test
    void bareIdOf128CharactersIsAccepted() {
        String id = "a".repeat(128);
        assertEquals(id, parse(id).taskId());
    }

    @Test
    void generationEndpointAsyncAnswerIsAcceptedAsItStands() {
        String answer = "{\"success\":true,\"task_id\":\"" + UUID + "\","
                + "\"trace_id\":\"9f1c3e2a-7b6d-4c5e-8a9f-0b1c2d3e4f5a\","
                + "\"data\":[{\"status\":\"pending\"}],\"created_at\":1718000000}";
        assertEquals(new TaskReference(UUID, "9f1c3e2a-7b6d-4c5e-8a9f-0b1c2d3e4f5a"), parse(answer));
    }

    @Test
    void idWinsOverTaskId() {
        TaskReference reference = parse("{\"id\":\"from-id\",\"task_id\":\"from-task-id\",\"trace_id\":\"t1\"}");
        assertEquals(new TaskReference("from-id", "t1"), reference);
    }

    @Test
    void taskIdAlone() {
        assertEquals(new TaskReference("t-1", null), parse("{\"task_id\":\"t-1\"}"));
    }

    @Test
    void traceIdAlone() {
        TaskReference reference = parse(" {\"trace_id\":\"trace-7\"} ");
        assertNull(reference.taskId());
        assertEquals("trace-7", reference.key());
    }

    @Test
    void otherFieldsAreIgnored() {
        assertEquals("x1", parse("{\"id\":\"x1\",\"note\":{\"a\":[1,2,null]},\"n\":3.5}").taskId());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        // depth 16: the root object plus 15 nested objects
        String nested = "{\"a\":".repeat(15) + "1" + "}".repeat(15);
        assertEquals("x1", parse("{\"id\":\"x1\",\"n\":" + nested + "}").taskId());
    }

    // --- empty, size, encoding ---

    @Test
    void nullIsInvalid() {
        assertMessageContains(rejected((byte[]) null), "empty");
    }

    @Test
    void emptyIsInvalid() {
        assertMessageContains(rejected(new byte[0]), "empty");
    }

    @Test
    void blankIsInvalid() {
        assertMessageContains(rejected(" \t\r\n "), "blank");
    }

    @Test
    void valueJustOver16KibIsTooLarge() {
        byte[] value = new byte[16 * 1024 + 1];
        Arrays.fill(value, (byte) 'a');
        InvalidInputException e = rejected(value);
        assertEquals("value too large: 16385 bytes, at most 16384", e.getMessage());
    }

    @Test
    void oneMegabyteIsTooLargeAndNotEchoed() {
        byte[] value = ("{\"id\":\"" + "a".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        InvalidInputException e = rejected(value);
        assertMessageContains(e, "too large");
        assertTrue(e.getMessage().length() < 100, e.getMessage());
    }

    @Test
    void twentyThousandNestedBracketsAreInvalid() {
        assertMessageContains(rejected("[".repeat(20_000)), "too large");
        assertMessageContains(rejected("{\"a\":".repeat(20_000)), "too large");
    }

    @Test
    void malformedUtf8IsInvalid() {
        InvalidInputException e = rejected(new byte[] {'a', 'b', (byte) 0xC3, (byte) 0x28});
        assertEquals("value is not valid UTF-8", e.getMessage());
        assertInstanceOf(CharacterCodingException.class, e.getCause());
    }

    @Test
    void binaryIsInvalid() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        assertMessageContains(rejected(binary), "UTF-8");
    }

    @Test
    void validUtf8ControlCharactersAreNotAnIdAndAreNotEchoed() {
        InvalidInputException e = rejected(new byte[] {'a', 0, 1, 2, 'b'});
        assertMessageContains(e, "not a task id");
        assertMessageContains(e, "\"a???b\"");
    }

    // --- bare values that are not ids ---

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"quoted\"", "abc def", "a/b", "task.1", "ünïcode", "123.5", "<xml/>"})
    void notAnIdNorAnObject(String value) {
        assertMessageContains(rejected(value), "not a task id");
    }

    @Test
    void bareIdOf129CharactersIsInvalid() {
        assertMessageContains(rejected("a".repeat(129)), "not a task id");
    }

    @Test
    void longInvalidInputIsQuotedAtMost100Characters() {
        String value = "x".repeat(5000) + "!";
        InvalidInputException e = rejected(value);
        assertTrue(e.getMessage().contains("\"" + "x".repeat(100) + "…\""), e.getMessage());
        assertTrue(!e.getMessage().contains("x".repeat(101)), e.getMessage());
    }

    // --- JSON objects that are not task references ---

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"id\":", "{\"id\":\"a\""})
    void incompleteJsonIsInvalid(String value) {
        assertEquals("incomplete JSON object: unexpected end of input", rejected(value).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{id:\"a\"}", "{'id':'a'}", "{\"id\":\"a\",}", "{\"id\" \"a\"}", "{\"id\":tru}", "{\"id\":\"a\","})
    void brokenJsonIsInvalid(String value) {
        assertMessageContains(rejected(value), "not a valid JSON object: ");
    }

    @Test
    void trailingTokensAreInvalid() {
        assertMessageContains(rejected("{\"id\":\"a\"} {\"id\":\"b\"}"), "not a valid JSON object");
        assertMessageContains(rejected("{\"id\":\"a\"} x"), "not a valid JSON object");
    }

    @Test
    void duplicateKeysAreInvalid() {
        assertMessageContains(rejected("{\"id\":\"a\",\"id\":\"b\"}"), "Duplicate field 'id'");
    }

    @Test
    void nestingBeyondTheLimitIsInvalid() {
        // depth 17
        String nested = "{\"a\":".repeat(16) + "1" + "}".repeat(16);
        InvalidInputException e = rejected("{\"id\":\"x1\",\"n\":" + nested + "}");
        assertEquals("JSON object over the input limits: "
                + "Document nesting depth (17) exceeds the maximum allowed (16)", e.getMessage());
        assertInstanceOf(StreamConstraintsException.class, e.getCause());
    }

    @Test
    void stringBeyondTheLimitIsInvalid() {
        InvalidInputException e = rejected("{\"id\":\"x1\",\"note\":\"" + "n".repeat(4097) + "\"}");
        assertInstanceOf(StreamConstraintsException.class, e.getCause());
        assertTrue(e.getMessage().length() < 250, e.getMessage());
    }

    @Test
    void numberBeyondTheLimitIsInvalid() {
        InvalidInputException e = rejected("{\"id\":\"x1\",\"n\":" + "9".repeat(65) + "}");
        assertMessageContains(e, "over the input limits");
        assertInstanceOf(StreamConstraintsException.class, e.getCause());
    }

    @Test
    void emptyObjectIsInvalid() {
        assertEquals("JSON object has none of id, task_id, trace_id", rejected("{}").getMessage());
    }

    @Test
    void objectWithoutIdsIsInvalid() {
        assertMessageContains(rejected("{\"success\":true,\"data\":{}}"), "none of id, task_id, trace_id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "null", "{\"x\":1}", "[\"a\"]", "true"})
    void taskIdMustBeAString(String json) {
        assertEquals("task_id must be a string", rejected("{\"task_id\":" + json + "}").getMessage());
        assertEquals("id must be a string", rejected("{\"id\":" + json + "}").getMessage());
        assertEquals("trace_id must be a string",
                rejected("{\"id\":\"a\",\"trace_id\":" + json + "}").getMessage());
    }

    @Test
    void idsInsideJsonMustMatchThePattern() {
        assertMessageContains(rejected("{\"id\":\"\"}"), "id is not a valid id");
        assertMessageContains(rejected("{\"task_id\":\"a b\"}"), "task_id is not a valid id");
        assertMessageContains(rejected("{\"id\":\"ok\",\"trace_id\":\"" + "t".repeat(129) + "\"}"),
                "trace_id is not a valid id");
        // task_id is checked even when id wins
        assertMessageContains(rejected("{\"id\":\"ok\",\"task_id\":\"no/pe\"}"), "task_id is not a valid id");
    }

    @Test
    void failedGenerationIsInvalid() {
        InvalidInputException e = rejected("{\"success\":false,\"task_id\":\"t1\",\"trace_id\":\"tr1\","
                + "\"error\":{\"code\":\"bad_request\",\"message\":\"image_url is required\"}}");
        assertEquals("generation request failed (success=false), there is no task: \"image_url is required\"",
                e.getMessage());
    }

    @Test
    void failedGenerationWithoutErrorIsInvalid() {
        assertEquals("generation request failed (success=false), there is no task",
                rejected("{\"success\":false,\"task_id\":\"t1\"}").getMessage());
    }

    @Test
    void successMustBeABoolean() {
        assertEquals("success must be a boolean", rejected("{\"success\":\"false\",\"task_id\":\"t1\"}").getMessage());
    }
}
