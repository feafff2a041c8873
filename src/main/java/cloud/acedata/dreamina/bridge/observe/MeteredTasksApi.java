package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiAnswer;
import cloud.acedata.dreamina.bridge.api.TasksApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** Times every request to the Tasks API by HTTP status ({@code io_error} when no answer came) and counts its ids. */
public final class MeteredTasksApi implements TasksApi {

    private final TasksApi api;
    private final BridgeMetrics metrics;
    private final ObjectMapper mapper;

    public MeteredTasksApi(TasksApi api, BridgeMetrics metrics, ObjectMapper mapper) {
        this.api = api;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Override
    public ApiAnswer post(byte[] requestJson) throws IOException {
        int ids = ids(requestJson);
        long start = System.nanoTime();
        try {
            ApiAnswer answer = api.post(requestJson);
            metrics.apiRequest(answer.status(), System.nanoTime() - start, ids);
            return answer;
        } catch (IOException e) {
            metrics.apiRequest(0, System.nanoTime() - start, ids);
            throw e;
        }
    }

    /** {@code retrieve_batch} asks about its {@code ids}; {@code retrieve} about one task. */
    int ids(byte[] requestJson) throws IOException {
        JsonNode ids = mapper.readTree(requestJson).get("ids");
        return ids != null && ids.isArray() ? ids.size() : 1;
    }
}
