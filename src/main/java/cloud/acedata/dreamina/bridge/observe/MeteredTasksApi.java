package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiAnswer;
import cloud.acedata.dreamina.bridge.api.TasksApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Times every request to the Tasks API by HTTP status ({@code io_error} when no answer came), counts its ids, and
 * tells {@link ApiAvailability} how it went.
 */
public final class MeteredTasksApi implements TasksApi {

    private final TasksApi api;
    private final BridgeMetrics metrics;
    private final ApiAvailability availability;
    private final ObjectMapper mapper;

    public MeteredTasksApi(TasksApi api, BridgeMetrics metrics, ApiAvailability availability, ObjectMapper mapper) {
        this.api = api;
        this.metrics = metrics;
        this.availability = availability;
        this.mapper = mapper;
    }

    @Override
    public ApiAnswer post(byte[] requestJson) throws IOException {
        int ids = ids(requestJson);
        long start = System.nanoTime();
        try {
            ApiAnswer answer = api.post(requestJson);
            metrics.apiRequest(answer.status(), System.nanoTime() - start, ids);
            availability.answered(answer.status());
            return answer;
        } catch (IOException e) {
            metrics.apiRequest(0, System.nanoTime() - start, ids);
            availability.answered(0);
            throw e;
        }
    }

    /** {@code retrieve_batch} asks about its {@code ids}; {@code retrieve} about one task. */
    int ids(byte[] requestJson) throws IOException {
        JsonNode ids = mapper.readTree(requestJson).get("ids");
        return ids != null && ids.isArray() ? ids.size() : 1;
    }
}
