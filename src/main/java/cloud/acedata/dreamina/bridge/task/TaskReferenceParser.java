package cloud.acedata.dreamina.bridge.task;

import cloud.acedata.dreamina.bridge.util.JsonLimits;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reads the task reference out of a Kafka record value, or says precisely why it cannot.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>The value must not be null or empty, nor longer than {@value #MAX_VALUE_BYTES} bytes (checked before any
 *       decoding or parsing).</li>
 *   <li>It must be valid UTF-8 (strict decoding; malformed or unmappable input is rejected).</li>
 *   <li>Surrounding whitespace is ignored; a blank value is rejected.</li>
 *   <li>A value starting with <code>{</code> is a JSON object, read with the tight limits of
 *       {@link JsonLimits#inputMapper()}. {@code id}, {@code task_id} and {@code trace_id} must be strings when
 *       present; the task id is {@code id}, else {@code task_id}; the trace id is {@code trace_id}; at least one is
 *       required. {@code success}, when present, must be a boolean, and {@code false} is rejected: the generation
 *       request failed and there is no task. Other fields are ignored, so the generation endpoint's async answer
 *       {@code {"success":true,"task_id":"…","trace_id":"…",…}} (docs/tasks-api.md, "The input shape") is
 *       accepted as it stands.</li>
 *   <li>Anything else is a bare task id.</li>
 * </ol>
 * Every id must match {@code [A-Za-z0-9_-]{1,128}} (the vendor's ids are hyphenated UUIDs or hex strings).
 * Every rejection is an {@link InvalidInputException}.
 *
 * <p>Thread-safe.
 */
public final class TaskReferenceParser {

    /** Largest accepted record value, in bytes (16 KiB). */
    public static final int MAX_VALUE_BYTES = 16 * 1024;

    /** What every id (bare, {@code id}, {@code task_id}, {@code trace_id}) must look like. */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private static final String ID_RULE = "1 to 128 characters of A-Z a-z 0-9 _ -";
    private static final int MAX_QUOTED_CHARS = 100;
    private static final int MAX_DETAIL_CHARS = 160;
    private static final Pattern JACKSON_SETTING_REFERENCE = Pattern.compile(", from `[^`]*`");

    private final ObjectMapper mapper = JsonLimits.inputMapper();

    /**
     * Parses one record value.
     *
     * @throws InvalidInputException if the value is not a task reference, with the reason as message
     */
    public TaskReference parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidInputException("empty value: expected a task id or a JSON object");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new InvalidInputException(
                    "value too large: " + value.length + " bytes, at most " + MAX_VALUE_BYTES);
        }
        String text = decodeUtf8(value).strip();
        if (text.isEmpty()) {
            throw new InvalidInputException("blank value: expected a task id or a JSON object");
        }
        if (text.startsWith("{")) {
            return parseObject(text);
        }
        if (!ID_PATTERN.matcher(text).matches()) {
            throw new InvalidInputException(
                    "not a task id (" + ID_RULE + ") nor a JSON object: " + quote(text));
        }
        return new TaskReference(text, null);
    }

    private static String decodeUtf8(byte[] value) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("value is not valid UTF-8", e);
        }
    }

    private TaskReference parseObject(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new InvalidInputException("JSON object over the input limits: " + shorten(e.getOriginalMessage()), e);
        } catch (JsonEOFException e) {
            throw new InvalidInputException("incomplete JSON object: unexpected end of input", e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a valid JSON object: " + shorten(e.getOriginalMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("not a valid JSON object");
        }
        rejectFailedGeneration(root);
        String id = optionalId(root, "id");
        String taskId = optionalId(root, "task_id");
        String traceId = optionalId(root, "trace_id");
        String chosenTaskId = id != null ? id : taskId;
        if (chosenTaskId == null && traceId == null) {
            throw new InvalidInputException("JSON object has none of id, task_id, trace_id");
        }
        return new TaskReference(chosenTaskId, traceId);
    }

    private static void rejectFailedGeneration(JsonNode root) {
        JsonNode success = root.get("success");
        if (success == null) {
            return;
        }
        if (!success.isBoolean()) {
            throw new InvalidInputException("success must be a boolean");
        }
        if (!success.booleanValue()) {
            JsonNode error = root.path("error");
            String detail = firstText(error.path("message"), error.path("code"));
            throw new InvalidInputException("generation request failed (success=false), there is no task"
                    + (detail != null ? ": " + quote(detail) : ""));
        }
    }

    private static String optionalId(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidInputException(field + " must be a string");
        }
        String id = node.textValue();
        if (!ID_PATTERN.matcher(id).matches()) {
            throw new InvalidInputException(field + " is not a valid id (" + ID_RULE + "): " + quote(id));
        }
        return id;
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.textValue().isBlank()) {
                return candidate.textValue();
            }
        }
        return null;
    }

    /** Quotes at most {@value #MAX_QUOTED_CHARS} characters of the input, control characters shown as '?'. */
    static String quote(String input) {
        return "\"" + printable(input, MAX_QUOTED_CHARS) + "\"";
    }

    /** Jackson's own message, without its pointer to the setting that imposes a limit, and bounded. */
    private static String shorten(String message) {
        if (message == null) {
            return "unreadable";
        }
        return printable(JACKSON_SETTING_REFERENCE.matcher(message).replaceAll(""), MAX_DETAIL_CHARS);
    }

    private static String printable(String text, int maxChars) {
        boolean truncated = text.codePointCount(0, text.length()) > maxChars;
        String head = truncated ? text.substring(0, text.offsetByCodePoints(0, maxChars)) : text;
        StringBuilder out = new StringBuilder(head.length() + 1);
        head.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        if (truncated) {
            out.append('…');
        }
        return out.toString();
    }
}
