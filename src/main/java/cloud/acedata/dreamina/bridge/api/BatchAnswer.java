package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.task.TaskDetail;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@code retrieve_batch} answer {@code {"items":[detail, …],"count":N}} into each item's detail, keyed by
 * its top-level {@code id} (never {@code data.task_id}, whose hyphens differ). Each item keeps its exact bytes as
 * the API sent them, so the output record carries the detail unchanged. A task missing from {@code items} has no
 * result yet. An object without an {@code items} array is not the API's answer (a gateway's {@code {"status":"ok"}}
 * would otherwise read as "nothing finished yet" for ever): it is refused like unreadable JSON.
 */
final class BatchAnswer {

    private BatchAnswer() {
    }

    static Map<String, TaskPoller.RawDetail> detailsById(byte[] body, ObjectMapper mapper) throws IOException {
        Map<String, TaskPoller.RawDetail> details = new HashMap<>();
        boolean items = false;
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("items".equals(field) && value == JsonToken.START_ARRAY && !items) {
                    readItems(parser, body, details);
                    items = true;
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the JSON object");
            }
        }
        if (!items) {
            throw new IOException("no items array: not a retrieve_batch answer");
        }
        return details;
    }

    private static void readItems(JsonParser parser, byte[] body, Map<String, TaskPoller.RawDetail> details)
            throws IOException {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            long start = parser.currentTokenLocation().getByteOffset();
            // Read in place, once, without a tree: the parser ends on the item's END_OBJECT, its exact bytes are
            // start..end.
            TaskDetail detail = TaskDetail.read(parser);
            long end = parser.currentLocation().getByteOffset();
            if (start < 0 || end < start) {
                // Jackson reads UTF-16/32 as characters and has no byte offsets: not the API's UTF-8 JSON.
                throw new IOException("the answer is not UTF-8 JSON");
            }
            byte[] raw = Arrays.copyOfRange(body, (int) start, (int) end);
            if (detail.id() != null) {
                details.put(detail.id(), new TaskPoller.RawDetail(detail, raw, null));
            }
        }
    }
}
