package cloud.acedata.dreamina.bridge.task;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The last resort for a record nothing can write as it is — larger than the producer sends
 * ({@code max.request.size}) or than its topic accepts ({@code max.message.bytes}): a dead letter
 * {@value BridgeHeaders#CODE_RECORD_TOO_LARGE} small enough for any topic, so that its partition can move on.
 *
 * <p>It keeps the key (when at most {@value #MAX_KEY_BYTES} bytes), where the input record was
 * ({@code dreamina.origin.*}: the original can be read there), the task and trace ids, the video URL of a finished
 * task, the size of the record that could not be written ({@value BridgeHeaders#ORIGINAL_SIZE}) and why. It drops
 * the value (empty) and the input's own headers; a kept header longer than its bound is dropped too. So it is at
 * most about 6 KiB, typically a few hundred bytes.
 */
public final class ReducedDeadLetter {

    /** A key up to this many bytes is kept; a longer one is dropped (no key). */
    public static final int MAX_KEY_BYTES = 1024;
    /** Origin, task id and trace id headers up to this many bytes are kept. */
    static final int MAX_ID_BYTES = 256;
    /** A video URL up to this many bytes is kept. */
    static final int MAX_URL_BYTES = 2048;
    /** The error message is cut to this many characters. */
    static final int MAX_MESSAGE_CHARS = 512;

    /** The headers kept, in this order, each with the most bytes it may have. */
    private static final Map<String, Integer> KEPT = new LinkedHashMap<>();

    static {
        for (String name : new String[] {BridgeHeaders.ORIGIN_TOPIC, BridgeHeaders.ORIGIN_PARTITION,
                BridgeHeaders.ORIGIN_OFFSET, BridgeHeaders.TASK_ID, BridgeHeaders.TRACE_ID}) {
            KEPT.put(name, MAX_ID_BYTES);
        }
        KEPT.put(BridgeHeaders.VIDEO_URL, MAX_URL_BYTES);
    }

    private ReducedDeadLetter() {
    }

    /**
     * The reduced dead letter of an outcome that could not be written.
     *
     * @param why what refused it, in words
     */
    public static TaskOutcome of(TaskOutcome unwritable, String why) {
        return of(unwritable.key(), sizeOf(unwritable), unwritable::header, why);
    }

    /**
     * The reduced dead letter of a record that could not be written.
     *
     * @param key    the record's key
     * @param size   the record's size in bytes (key, value, header names and values)
     * @param header the record's header of a name, as UTF-8 text, or null
     * @param why    what refused it, in words
     */
    public static TaskOutcome of(byte[] key, long size, Function<String, String> header, String why) {
        Map<String, Object> headers = new LinkedHashMap<>();
        KEPT.forEach((name, maxBytes) -> {
            String value = header.apply(name);
            if (value != null && !value.isEmpty() && utf8Length(value) <= maxBytes) {
                headers.put(name, value);
            }
        });
        headers.put(BridgeHeaders.ERROR_CODE, BridgeHeaders.CODE_RECORD_TOO_LARGE);
        headers.put(BridgeHeaders.ERROR_MESSAGE, cut(why));
        headers.put(BridgeHeaders.ORIGINAL_SIZE, String.valueOf(size));
        byte[] keptKey = key != null && key.length <= MAX_KEY_BYTES ? key : null;
        return new TaskOutcome(TaskOutcome.Destination.DEAD_LETTER, keptKey, new byte[0], headers);
    }

    /**
     * Why a record goes reduced, in the words of every place that reduces one.
     *
     * @param what the record that could not be written ("pending record", "dead letter", …)
     */
    public static String why(String what, long size, Exception refusal) {
        return "The task cannot travel as it is: its " + what + " (" + size + " bytes) is larger than the producer "
                + "(max.request.size) or the topic (max.message.bytes) accepts; its value and input headers are "
                + "dropped here, the original is at its origin offset. " + refusal;
    }

    /** An outcome's size as Kafka counts it, near enough: key, value, header names and values, in bytes. */
    public static long sizeOf(TaskOutcome outcome) {
        long size = length(outcome.key()) + length(outcome.value());
        for (Map.Entry<String, Object> header : outcome.headers().entrySet()) {
            size += utf8Length(header.getKey());
            Object value = header.getValue();
            size += value instanceof byte[] raw ? raw.length : value == null ? 0 : utf8Length(value.toString());
        }
        return size;
    }

    private static String cut(String why) {
        String text = why == null ? BridgeHeaders.CODE_RECORD_TOO_LARGE : why;
        if (text.length() <= MAX_MESSAGE_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1
                : MAX_MESSAGE_CHARS;
        return text.substring(0, end) + "…";
    }

    private static long length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
