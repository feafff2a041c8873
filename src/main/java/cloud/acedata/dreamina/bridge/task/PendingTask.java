package cloud.acedata.dreamina.bridge.task;


import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task waiting on the pending topic: the original input record (key and value, byte for byte, and its headers)
 * plus the bridge's scheduling headers. Everything needed to publish, dead-letter or poll the task again lives in
 * the record itself, so a restart loses nothing. Only the exact names of the bridge's own headers are read
 * ({@link BridgeHeaders}); a header that differs from one of them only in letter case is never trusted.
 *
 * @param key     the record key, byte for byte (the input record's key, or the task id when the input had none);
 *                may be null
 * @param value   the original input value, byte for byte
 * @param headers every record header, raw
 */
public record PendingTask(byte[] key, byte[] value, Map<String, byte[]> headers) {

    public PendingTask {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public String header(String name) {
        byte[] raw = headers.get(name);
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    public String taskId() {
        return header(BridgeHeaders.TASK_ID);
    }

    public String traceId() {
        return header(BridgeHeaders.TRACE_ID);
    }

    /** The id the task is tracked by: its task id, or its trace id where only that is known. */
    public String trackingId() {
        String id = taskId();
        return id != null ? id : traceId();
    }

    public long dueAtMillis() {
        return longHeader(BridgeHeaders.PENDING_DUE, 0L);
    }

    public long deadlineMillis() {
        return longHeader(BridgeHeaders.PENDING_DEADLINE, Long.MAX_VALUE);
    }

    public int polls() {
        return (int) longHeader(BridgeHeaders.PENDING_POLLS, 0L);
    }

    /** Requests of this task alone that failed in a row before it was written back to wait (0 if none). */
    public int failures() {
        return (int) Math.max(0, Math.min(64, longHeader(BridgeHeaders.PENDING_FAILURES, 0L)));
    }

    /** This task with its header {@code name} set to {@code text} (UTF-8). */
    public PendingTask with(String name, String text) {
        Map<String, byte[]> changed = new LinkedHashMap<>(headers);
        changed.put(name, text.getBytes(StandardCharsets.UTF_8));
        return new PendingTask(key, value, changed);
    }

    private long longHeader(String name, long fallback) {
        byte[] raw = headers.get(name);
        if (raw == null) {
            return fallback;
        }
        long plain = plainDigits(raw);
        if (plain >= 0) {
            return plain;
        }
        try {
            return Long.parseLong(new String(raw, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * The value of a header of 1 to 18 ASCII digits (what the bridge writes), read without decoding it to a string
     * (the scheduler reads the due time at every comparison); -1 for anything else, which is parsed as text.
     */
    static long plainDigits(byte[] raw) {
        if (raw.length == 0 || raw.length > 18) {
            return -1;
        }
        long value = 0;
        for (byte b : raw) {
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
