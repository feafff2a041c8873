package cloud.acedata.dreamina.bridge.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskAnswerClassifierTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TaskAnswerClassifier classifier = new TaskAnswerClassifier();

    private TaskVerdict classify(String json) throws Exception {
        try (JsonParser parser = MAPPER.createParser(json)) {
            parser.nextToken();
            return classifier.classify(TaskDetail.read(parser));
        }
    }

    /** A detail shaped as docs/tasks-api.md ("Task detail") describes it. */
    private static String detail(String dataFields) {
        return "{\"id\":\"f8a3b7c2-1d4e-4f5a-9b6c-7d8e9f0a1b2c\",\"trace_id\":\"tr-1\","
                + "\"request\":{\"model\":\"m\",\"image_url\":\"https://in/i.png\",\"audio_url\":\"https://in/a.mp3\"},"
                + "\"response\":{\"success\":true,\"data\":{\"task_id\":\"f8a3b7c21d4e4f5a9b6c7d8e9f0a1b2c\""
                + dataFields + "}},\"created_at\":1718000000}";
    }

    @Test
    void noDetailIsPending() {
        assertEquals(TaskVerdict.pending(null), classifier.classify(null));
    }

    @Test
    void emptyObjectIsPending() throws Exception {
        assertEquals(TaskVerdict.pending(null), classify("{}"));
    }

    @Test
    void doneWithVideoUrlIsDone() throws Exception {
        TaskVerdict verdict = classify(detail(",\"status\":\"done\",\"video_url\":\"https://cdn/v.mp4\","
                + "\"image_url\":\"https://in/i.png\""));
        assertEquals(TaskVerdict.done("done", "https://cdn/v.mp4"), verdict);
    }

    @Test
    void doneIsCaseInsensitive() throws Exception {
        TaskVerdict verdict = classify(detail(",\"status\":\"DONE\",\"video_url\":\"https://cdn/v.mp4\""));
        assertEquals(TaskState.DONE, verdict.state());
        assertEquals("DONE", verdict.status());
    }

    @Test
    void doneWithoutVideoUrlIsFailed() throws Exception {
        assertEquals(TaskVerdict.failed("done", "status done without video_url"),
                classify(detail(",\"status\":\"done\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \"", "null", "42"})
    void doneWithEmptyOrNonTextVideoUrlIsFailed(String videoUrl) throws Exception {
        TaskVerdict verdict = classify(detail(",\"status\":\"done\",\"video_url\":" + videoUrl));
        assertEquals(TaskVerdict.failed("done", "status done without video_url"), verdict);
    }

    @Test
    void echoedImageAndAudioUrlsAreNotSuccess() throws Exception {
        TaskVerdict verdict = classify(detail(",\"status\":\"processing\","
                + "\"image_url\":\"https://in/i.png\",\"audio_url\":\"https://in/a.mp3\""));
        assertEquals(TaskVerdict.pending("processing"), verdict);
    }

    @Test
    void echoedUrlsWithoutStatusAreNotSuccess() throws Exception {
        assertEquals(TaskVerdict.pending(null), classify(detail(",\"image_url\":\"https://in/i.png\"")));
    }

    @Test
    void videoUrlWithoutDoneIsNotSuccess() throws Exception {
        assertEquals(TaskVerdict.pending("pending"),
                classify(detail(",\"status\":\"pending\",\"video_url\":\"https://cdn/v.mp4\"")));
    }

    @Test
    void responseSuccessFalseIsFailedWithTheErrorMessage() throws Exception {
        TaskVerdict verdict = classify("{\"id\":\"x\",\"response\":{\"success\":false,"
                + "\"error\":{\"code\":\"content_rejected\",\"message\":\"image violates policy\"}}}");
        assertEquals(TaskVerdict.failed(null, "image violates policy"), verdict);
    }

    @Test
    void responseSuccessFalseFallsBackToTheErrorCode() throws Exception {
        TaskVerdict verdict = classify("{\"id\":\"x\",\"response\":{\"success\":false,"
                + "\"error\":{\"code\":\"api_error\"}}}");
        assertEquals(TaskVerdict.failed(null, "api_error"), verdict);
    }

    @Test
    void responseSuccessFalseWithoutErrorHasADefaultReason() throws Exception {
        assertEquals(TaskVerdict.failed(null, "response.success=false"),
                classify("{\"id\":\"x\",\"response\":{\"success\":false}}"));
    }

    @Test
    void responseSuccessFalseWinsOverDone() throws Exception {
        TaskVerdict verdict = classify("{\"id\":\"x\",\"response\":{\"success\":false,"
                + "\"data\":{\"status\":\"done\",\"video_url\":\"https://cdn/v.mp4\"}}}");
        assertEquals(TaskState.FAILED, verdict.state());
        assertEquals("done", verdict.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"failed", "failure", "error", "cancelled", "canceled", "rejected", "FAILED", "Canceled"})
    void failureStatusesAreFailed(String status) throws Exception {
        TaskVerdict verdict = classify(detail(",\"status\":\"" + status + "\""));
        assertEquals(TaskVerdict.failed(status, "status " + status), verdict);
    }

    @Test
    void failureStatusCarriesTheErrorMessage() throws Exception {
        TaskVerdict verdict = classify("{\"id\":\"x\",\"response\":{\"success\":true,"
                + "\"error\":{\"message\":\"face not detected\"},\"data\":{\"status\":\"failed\"}}}");
        assertEquals(TaskVerdict.failed("failed", "status failed: face not detected"), verdict);
    }

    @Test
    void longErrorMessagesAreShortened() throws Exception {
        TaskVerdict verdict = classify("{\"response\":{\"success\":false,\"error\":{\"message\":\""
                + "m".repeat(5000) + "\"}}}");
        assertEquals(201, verdict.reason().length());
        assertTrue(verdict.reason().endsWith("…"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "processing", "queued", "running", "something-new", ""})
    void otherStatusesArePending(String status) throws Exception {
        assertEquals(TaskVerdict.pending(status), classify(detail(",\"status\":\"" + status + "\"")));
    }

    @Test
    void detailWithoutResponseIsPending() throws Exception {
        assertEquals(TaskVerdict.pending(null), classify("{\"id\":\"x\",\"trace_id\":\"t\"}"));
    }

    @Test
    void nonTextStatusIsPending() throws Exception {
        assertEquals(TaskVerdict.pending(null), classify(detail(",\"status\":7")));
    }

    @Test
    void aDetailIsJudgedByItsLastResponseWhole() throws Exception {
        // A key given twice counts once, the last (as a JSON tree reads it): the second response has no status.
        assertEquals(TaskState.PENDING, classify("{\"id\":\"x\",\"response\":{\"data\":{\"status\":\"done\","
                + "\"video_url\":\"https://v\"}},\"response\":{\"success\":true}}").state());
        assertEquals(TaskState.DONE, classify("{\"id\":\"x\",\"response\":{\"success\":false},"
                + "\"response\":{\"data\":{\"status\":\"done\",\"video_url\":\"https://v\"}}}").state());
    }
}
