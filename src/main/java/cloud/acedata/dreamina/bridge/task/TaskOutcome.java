package cloud.acedata.dreamina.bridge.task;


import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What becomes of one pending task after a poll: a record for the output topic, the dead-letter topic, or the
 * pending topic again. Builds the record (key, value, headers) exactly as the topic's contract says.
 *
 * @param destination where the record goes
 * @param key         the record key, byte for byte
 * @param value       the record value
 * @param headers     the record headers; the bridge's own are strings, the input's pass through as raw bytes
 */
public record TaskOutcome(Destination destination, byte[] key, byte[] value, Map<String, Object> headers) {

    public enum Destination { OUTPUT, DEAD_LETTER, PENDING }

    /**
     * The finished task: key = task id, value = the detail exactly as the API returned it. A task given only by its
     * trace id whose answer names no id (null {@code taskId}) is keyed by its trace id and has no task id header
     * (and a record that names neither keeps its pending record's key).
     */
    public static TaskOutcome done(PendingTask task, String taskId, String traceId, byte[] detail, String videoUrl) {
        Map<String, Object> headers = passThrough(task, false);
        String knownTraceId = traceId != null ? traceId : task.traceId();
        putIfKnown(headers, BridgeHeaders.TASK_ID, taskId);
        putIfKnown(headers, BridgeHeaders.TRACE_ID, knownTraceId);
        headers.put(BridgeHeaders.VIDEO_URL, videoUrl);
        headers.put(BridgeHeaders.STATUS, "done");
        String id = taskId != null && !taskId.isEmpty() ? taskId : knownTraceId;
        byte[] key = id != null ? id.getBytes(StandardCharsets.UTF_8) : task.key();
        return new TaskOutcome(Destination.OUTPUT, key, detail, headers);
    }

    /**
     * A dead letter: key and value are the input record's, so producing the value again replays the task.
     *
     * @param httpStatus the API's HTTP status when the reason came from the API, else null
     */
    public static TaskOutcome deadLetter(PendingTask task, String code, String message, Integer httpStatus) {
        Map<String, Object> headers = passThrough(task, true);
        putIfKnown(headers, BridgeHeaders.TASK_ID, task.taskId());
        putIfKnown(headers, BridgeHeaders.TRACE_ID, task.traceId());
        headers.put(BridgeHeaders.ERROR_CODE, code);
        headers.put(BridgeHeaders.ERROR_MESSAGE, message == null ? code : message);
        if (httpStatus != null) {
            headers.put(BridgeHeaders.HTTP_STATUS, String.valueOf(httpStatus));
        }
        return new TaskOutcome(Destination.DEAD_LETTER, task.key(), task.value(), headers);
    }

    /**
     * Not finished yet: the same record goes back to the pending topic, due again at {@code dueAtMillis}. The API
     * answered, so the task's own failures are over.
     */
    public static TaskOutcome pollAgain(PendingTask task, String learnedTaskId, long dueAtMillis) {
        Map<String, Object> headers = pendingHeaders(task);
        headers.remove(BridgeHeaders.PENDING_FAILURES);
        headers.put(BridgeHeaders.PENDING_DUE, String.valueOf(dueAtMillis));
        headers.put(BridgeHeaders.PENDING_POLLS, String.valueOf(task.polls() + 1));
        if (task.taskId() == null && learnedTaskId != null) {
            headers.put(BridgeHeaders.TASK_ID, learnedTaskId);
        }
        headers.putIfAbsent(BridgeHeaders.PENDING_DEADLINE, String.valueOf(task.deadlineMillis()));
        return new TaskOutcome(Destination.PENDING, task.key(), task.value(), headers);
    }

    /**
     * Written back as it is: the scheduler set its headers (due after its own backoff, its failures so far), so it
     * waits on the pending topic instead of holding its partition's commit.
     */
    public static TaskOutcome writtenBack(PendingTask task) {
        return new TaskOutcome(Destination.PENDING, task.key(), task.value(), pendingHeaders(task));
    }

    /** The bridge's own headers, exactly spelt, and the input's that may travel. */
    private static Map<String, Object> pendingHeaders(PendingTask task) {
        Map<String, Object> headers = new LinkedHashMap<>();
        task.headers().forEach((name, value) -> {
            if (BridgeHeaders.OWN.contains(name) || !BridgeHeaders.isReserved(name)) {
                headers.put(name, value);
            }
        });
        return headers;
    }

    public String header(String name) {
        Object value = headers.get(name);
        if (value instanceof byte[] raw) {
            return new String(raw, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }

    /**
     * The input's own headers travel on, but never one that could pass for a header of the bridge, Camel or
     * camel-kafka ({@link BridgeHeaders#isReserved}, in any letter case): the bridge's own headers on output and dead
     * letters are always its own. The origin headers (exact names, written at ingest) only go to the dead-letter
     * topic (they describe where a dead letter came from); the scheduling headers never leave the pending topic.
     */
    private static Map<String, Object> passThrough(PendingTask task, boolean keepOrigin) {
        Map<String, Object> headers = new LinkedHashMap<>();
        task.headers().forEach((name, value) -> {
            if (keepOrigin && BridgeHeaders.ORIGIN.contains(name)) {
                headers.put(name, value);
            } else if (!BridgeHeaders.isReserved(name)) {
                headers.put(name, value);
            }
        });
        return headers;
    }

    private static void putIfKnown(Map<String, Object> headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.put(name, value);
        }
    }
}
