package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the {@link TasksApiSimulator}, as its {@link ExchangeHook}: the next requests, every request,
 * or the requests naming an id answer with a {@link Fault} instead of the API; poisoned ids answer 400.
 *
 * <p>Order for each request: a queued fault ({@link #failNext}), else the permanent one ({@link #failAlways}), else
 * a fault for an id the request names ({@link #failWhenNaming}), else 400 for a poisoned id ({@link #poisonId}).
 * The answer is given after the simulator's latency, ahead of its rate limit (which does not count it) and of
 * the API's own checks (path, token, body).
 *
 * <p>Thread-safe; may be changed while the simulator runs.
 */
public final class SimulatorFaults implements ExchangeHook {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HTML = "<html><head><title>Service Unavailable</title></head>"
            + "<body><h1>Please retry later</h1></body></html>";

    private final Set<String> poisonIds = ConcurrentHashMap.newKeySet();
    private final Map<String, Fault> faultsById = new ConcurrentHashMap<>();
    private final Queue<Fault> queuedFaults = new ConcurrentLinkedQueue<>();
    private volatile Fault permanentFault;
    private volatile Duration hangFor = Duration.ofSeconds(30);
    private final AtomicLong faultsAnswered = new AtomicLong();

    /** The next {@code n} requests answer with {@code fault} (queued after faults already queued). */
    public SimulatorFaults failNext(int n, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < n; i++) {
            queuedFaults.add(fault);
        }
        return this;
    }

    /** Every request answers with {@code fault} once the queued faults are used up, until {@link #clearFaults()}. */
    public SimulatorFaults failAlways(Fault fault) {
        this.permanentFault = Objects.requireNonNull(fault, "fault");
        return this;
    }

    /** Any request naming this id (in {@code id} or {@code ids}) answers with the fault, every time. */
    public SimulatorFaults failWhenNaming(String id, Fault fault) {
        faultsById.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(fault, "fault"));
        return this;
    }

    /** Forgets the queued, permanent and per-id faults (not the poisoned ids). */
    public SimulatorFaults clearFaults() {
        faultsById.clear();
        queuedFaults.clear();
        permanentFault = null;
        return this;
    }

    /**
     * Any retrieve naming this id in {@code id}, or retrieve_batch naming it in {@code ids}, answers 400
     * bad_request, naming no task.
     */
    public SimulatorFaults poisonId(String id) {
        poisonIds.add(Objects.requireNonNull(id, "id"));
        return this;
    }

    public SimulatorFaults clearPoisonIds() {
        poisonIds.clear();
        return this;
    }

    /** How long a {@link Fault#hang()} waits before its 500 answer (default 30 s). */
    public SimulatorFaults hangFor(Duration hangFor) {
        Objects.requireNonNull(hangFor, "hangFor");
        if (hangFor.isNegative()) {
            throw new IllegalArgumentException("hangFor must not be negative");
        }
        this.hangFor = hangFor;
        return this;
    }

    /** Answers given by an injected fault (not the 400s of poisoned ids). */
    public long faultCount() {
        return faultsAnswered.get();
    }

    @Override
    public SimulatorAnswer intercept(SimulatorRequest request) {
        Fault fault = queuedFaults.poll();
        if (fault == null) {
            fault = permanentFault;
        }
        if (fault == null && !faultsById.isEmpty()) {
            fault = faultNaming(request.json());
        }
        if (fault != null) {
            faultsAnswered.incrementAndGet();
            return answer(fault);
        }
        if (!poisonIds.isEmpty() && namesPoisonedId(request)) {
            return SimulatorAnswer.error(400, "bad_request", "the request could not be processed", null);
        }
        return null;
    }

    private Fault faultNaming(JsonNode request) {
        if (request == null || !request.isObject()) {
            return null;
        }
        Fault fault = faultsById.get(request.path("id").asText(""));
        for (JsonNode id : request.path("ids")) {
            fault = fault != null ? fault : faultsById.get(id.asText(""));
        }
        return fault;
    }

    /** As the API checks ids: {@code id} of a retrieve, {@code ids} of a retrieve_batch whose ids are all text. */
    private boolean namesPoisonedId(SimulatorRequest request) {
        String action = request.action();
        JsonNode json = request.json();
        if ("retrieve".equals(action)) {
            JsonNode id = json.get("id");
            return id != null && id.isTextual() && poisonIds.contains(id.asText());
        }
        if ("retrieve_batch".equals(action) && json.path("ids").isArray()) {
            boolean poisoned = false;
            for (JsonNode id : json.get("ids")) {
                if (!id.isTextual()) {
                    return false; // a bad request anyway
                }
                poisoned |= poisonIds.contains(id.asText());
            }
            return poisoned;
        }
        return false;
    }

    private SimulatorAnswer answer(Fault fault) {
        switch (fault.kind()) {
            case HTTP_ERROR:
            case TOO_MANY_REQUESTS: {
                String message = SimulatorAnswer.vendorMessage(fault.code());
                return SimulatorAnswer.error(fault.status(), fault.code(), message != null ? message : "simulated error",
                        fault.retryAfter());
            }
            case RATE_LIMITED_CONCURRENCY: {
                // docs/tasks-api.md, "Errors": {"success":false,"error":{"code":"rate_limited",…}}, no trace_id.
                ObjectNode body = JSON.createObjectNode();
                body.put("success", false);
                ObjectNode error = body.putObject("error");
                error.put("code", "rate_limited");
                error.put("message", SimulatorAnswer.vendorMessage("rate_limited"));
                return SimulatorAnswer.json(429, body);
            }
            case NON_JSON_200:
                return new SimulatorAnswer(200, "text/html; charset=utf-8", HTML.getBytes(StandardCharsets.UTF_8), null);
            case NOT_THE_API_200:
                return SimulatorAnswer.json(200, JSON.createObjectNode().put("status", "ok"));
            case HANG:
                try {
                    Duration wait = hangFor;
                    Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                } catch (InterruptedException closing) {
                    Thread.currentThread().interrupt();
                    return SimulatorAnswer.NONE;
                }
                return SimulatorAnswer.error(500, "api_error", SimulatorAnswer.vendorMessage("api_error"), null);
            case DROP_CONNECTION:
                return SimulatorAnswer.NONE;
            default:
                throw new IllegalStateException("unhandled fault " + fault);
        }
    }
}
