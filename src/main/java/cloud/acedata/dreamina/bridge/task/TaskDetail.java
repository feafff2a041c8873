package cloud.acedata.dreamina.bridge.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The fields of one task detail (the answer of {@code retrieve}, or one item of {@code retrieve_batch}) that the
 * bridge reads, taken from the JSON in one pass: no tree is built for a detail whose bytes are passed on as they
 * are. Each field is a JSON string where the detail has one, else null (a number or an object where a string is
 * expected reads as absent); {@code success} is the JSON boolean {@code response.success}, else null. A key given
 * twice counts as JSON trees read it: the last one, whole (a second {@code response} replaces everything read from
 * the first).
 *
 * @param empty        the detail is {@code {}}: the task does not exist or has no result yet
 * @param id           {@code id}
 * @param traceId      {@code trace_id}
 * @param success      {@code response.success}
 * @param status       {@code response.data.status}
 * @param videoUrl     {@code response.data.video_url}
 * @param errorMessage {@code response.error.message}
 * @param errorCode    {@code response.error.code}
 */
public record TaskDetail(boolean empty, String id, String traceId, Boolean success, String status, String videoUrl,
                         String errorMessage, String errorCode) {

    /** {@code response}: its fields the bridge reads. */
    private record Response(Boolean success, String status, String videoUrl, String errorMessage, String errorCode) {
        static final Response NONE = new Response(null, null, null, null, null);
    }

    /**
     * Reads the object the parser stands on (its {@code START_OBJECT}); the parser is left on its
     * {@code END_OBJECT}.
     *
     * @throws IOException the JSON is not well formed, or the parser does not stand on an object
     */
    public static TaskDetail read(JsonParser parser) throws IOException {
        requireObject(parser);
        boolean empty = true;
        String id = null;
        String traceId = null;
        Response response = Response.NONE;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            empty = false;
            String name = parser.currentName();
            parser.nextToken();
            switch (name) {
                case "id" -> id = text(parser);
                case "trace_id" -> traceId = text(parser);
                case "response" -> response = response(parser);
                default -> parser.skipChildren();
            }
        }
        return new TaskDetail(empty, id, traceId, response.success(), response.status(), response.videoUrl(),
                response.errorMessage(), response.errorCode());
    }

    private static Response response(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Response.NONE;
        }
        Boolean success = null;
        String[] data = {null, null};
        String[] error = {null, null};
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "success" -> success = value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                        : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : skipped(parser);
                case "data" -> data = texts(parser, "status", "video_url");
                case "error" -> error = texts(parser, "message", "code");
                default -> parser.skipChildren();
            }
        }
        return new Response(success, data[0], data[1], error[0], error[1]);
    }

    /** The string fields {@code first} and {@code second} of the object the parser stands on, else nulls. */
    private static String[] texts(JsonParser parser, String first, String second) throws IOException {
        String[] texts = {null, null};
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return texts;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals(first)) {
                texts[0] = text(parser);
            } else if (name.equals(second)) {
                texts[1] = text(parser);
            } else {
                parser.skipChildren();
            }
        }
        return texts;
    }

    /** The string the parser stands on, else null (anything else is skipped whole). */
    private static String text(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    private static Boolean skipped(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    private static void requireObject(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("a task detail is a JSON object, not " + parser.currentToken());
        }
    }
}
