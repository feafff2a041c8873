package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.support.TestClock;
import cloud.acedata.dreamina.bridge.api.ApiAnswer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MeteredTasksApiTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BridgeMetrics metrics = new BridgeMetrics(registry);
    private final TestClock clock = new TestClock();
    private final ApiAvailability availability = new ApiAvailability(clock);

    @Test
    void eachRequestIsTimedByStatusWithItsIds() throws IOException {
        MeteredTasksApi api = new MeteredTasksApi(body -> new ApiAnswer(429, new byte[0], "2"), metrics,
                availability, new ObjectMapper());
        api.post(bytes("{\"action\":\"retrieve_batch\",\"ids\":[\"a\",\"b\",\"c\"]}"));
        api.post(bytes("{\"action\":\"retrieve\",\"trace_id\":\"t\"}"));
        assertEquals(2, metrics.apiRequests(429));
        assertEquals(4.0, registry.find(BridgeMetrics.API_REQUEST_IDS).summary().totalAmount());
    }

    @Test
    void noAnswerIsCountedAsAnIoErrorAndStillFails() {
        MeteredTasksApi api = new MeteredTasksApi(body -> {
            throw new ConnectException("refused");
        }, metrics, availability, new ObjectMapper());
        assertThrows(ConnectException.class, () -> api.post(bytes("{\"action\":\"retrieve\",\"id\":\"x\"}")));
        assertEquals(1, registry.find(BridgeMetrics.API_REQUESTS).tag("status", "io_error").timer().count());
        clock.advance(java.time.Duration.ofSeconds(3));
        assertEquals(java.time.Duration.ofSeconds(3), availability.failingFor(), "no answer is a failure");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
