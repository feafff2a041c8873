package cloud.acedata.dreamina.bridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestLogTest extends SimulatorTestSupport {

    @Test
    void introspectionRecordsRequests() {
        post("{\"id\":\"a\"}");
        post("{\"action\":\"retrieve_batch\",\"ids\":[]}");
        post(TasksApiSimulator.PATH, "Bearer other", "{\"action\":\"retrieve\",\"id\":\"b\"}");

        assertEquals(3, requests.requestCount());
        assertEquals(2, requests.requestCount("retrieve"));
        assertEquals(1, requests.requestCount("retrieve_batch"));
        assertEquals(Set.of(BEARER, "Bearer other"), requests.authorizationHeadersSeen());
        assertEquals(List.of("{\"id\":\"a\"}", "{\"action\":\"retrieve_batch\",\"ids\":[]}",
                "{\"action\":\"retrieve\",\"id\":\"b\"}"), requests.lastRequestBodies());
        List<Long> timestamps = requests.requestTimestampsNanos();
        assertEquals(3, timestamps.size());
        assertTrue(timestamps.get(0) <= timestamps.get(1) && timestamps.get(1) <= timestamps.get(2));

        assertEquals(1, requests.idsRequested(), "one id per retrieve that reached an answer (not the refused one), none in []");
        requests.reset();
        assertEquals(0, requests.idsRequested());
        assertEquals(0, requests.requestCount());
        assertEquals(0, requests.requestCount("retrieve"));
        assertTrue(requests.requestTimestampsNanos().isEmpty());
        assertTrue(requests.authorizationHeadersSeen().isEmpty());
        assertTrue(requests.lastRequestBodies().isEmpty());
    }

    @Test
    void idsAreCountedOnlyForRequestsTheApiAnsweredWithTasks() {
        SimulatedTask task = simulator.createTask(TaskScript.done(Duration.ZERO));
        faults.failNext(1, Fault.status(500, "api_error"));
        post("{\"id\":\"" + task.id() + "\"}"); // a fault
        faults.poisonId("poisoned");
        post("{\"action\":\"retrieve_batch\",\"ids\":[\"poisoned\",\"" + task.id() + "\"]}"); // 400
        post(TasksApiSimulator.PATH, null, "{\"id\":\"" + task.id() + "\"}"); // no token
        post("{\"action\":\"retrieve_batch\",\"ids\":[\"a\",\"b\",\"a\"]}"); // two distinct ids

        assertEquals(4, requests.requestCount());
        assertEquals(2, requests.idsRequested());
        assertEquals(0, requests.rateLimitedCount());
    }
}
