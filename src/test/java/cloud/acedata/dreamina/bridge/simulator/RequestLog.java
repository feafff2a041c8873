package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the {@link TasksApiSimulator} was asked and how it answered, recorded as its {@link ExchangeHook} (it never
 * answers): request counts per action, arrival times, {@code authorization} headers, bodies, task ids asked for and
 * the simulator's own 429s.
 *
 * <p>A request is recorded when it arrives (before the simulator's latency and any fault); the figures about
 * answers when the answer is given. Put it first in a chain ({@code log.andThen(faults)}) so that it sees every
 * request. Thread-safe.
 */
public final class RequestLog implements ExchangeHook {

    static final int MAX_TIMESTAMPS = 100_000;
    static final int MAX_BODIES = 1_000;
    static final int MAX_AUTHORIZATION_HEADERS = 1_000;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final Map<String, LongAdder> requestsByAction = new ConcurrentHashMap<>();
    /** Task ids named by the retrieve and retrieve_batch requests the API answered with task details. */
    private final LongAdder idsRequested = new LongAdder();
    /** Ring buffer of the last {@link #MAX_TIMESTAMPS} arrival times; guarded by itself. */
    private final long[] arrivals = new long[MAX_TIMESTAMPS];
    private long arrivalsTotal;
    private final Set<String> authorizationHeaders = ConcurrentHashMap.newKeySet();
    private final Deque<String> bodies = new ArrayDeque<>();

    // ---------------------------------------------------------------- recording

    @Override
    public SimulatorAnswer intercept(SimulatorRequest request) {
        requests.incrementAndGet();
        String action = request.action();
        if (action != null) {
            requestsByAction.computeIfAbsent(action, key -> new LongAdder()).increment();
        }
        synchronized (arrivals) {
            arrivals[(int) (arrivalsTotal % MAX_TIMESTAMPS)] = request.arrivalNanos();
            arrivalsTotal++;
        }
        String authorization = request.authorization();
        if (authorization != null && authorizationHeaders.size() < MAX_AUTHORIZATION_HEADERS) {
            authorizationHeaders.add(authorization);
        }
        synchronized (bodies) {
            bodies.addLast(request.bodyText());
            if (bodies.size() > MAX_BODIES) {
                bodies.removeFirst();
            }
        }
        return null;
    }

    @Override
    public void answered(SimulatorRequest request, SimulatorAnswer answer, AnsweredBy by) {
        if (by == AnsweredBy.RATE_LIMIT) {
            rateLimited.incrementAndGet();
        } else if (by == AnsweredBy.PROTOCOL && answer.status() == 200) {
            idsRequested.add(idsNamed(request));
        }
    }

    /** Ids a request the API answered with 200 named: one for a retrieve, the distinct ones of a retrieve_batch. */
    private static int idsNamed(SimulatorRequest request) {
        String action = request.action();
        if ("retrieve".equals(action)) {
            return 1;
        }
        if ("retrieve_batch".equals(action)) {
            Set<String> distinct = new LinkedHashSet<>();
            for (JsonNode id : request.json().path("ids")) {
                distinct.add(id.asText());
            }
            return distinct.size();
        }
        return 0;
    }

    // ---------------------------------------------------------------- reading

    /** Requests received. */
    public long requestCount() {
        return requests.get();
    }

    /** Requests whose body named this action; a JSON object without {@code action} counts as "retrieve". */
    public long requestCount(String action) {
        LongAdder count = requestsByAction.get(action);
        return count == null ? 0 : count.sum();
    }

    /**
     * Task ids named by the requests the API answered with task details (one per {@code retrieve}, the distinct
     * ids of a {@code retrieve_batch}): divided by those requests, the ids per request.
     */
    public long idsRequested() {
        return idsRequested.sum();
    }

    /** 429 answers of the simulator's own rate limit (not those of injected faults). */
    public long rateLimitedCount() {
        return rateLimited.get();
    }

    /** Arrival times ({@link System#nanoTime()}) of the last {@value #MAX_TIMESTAMPS} requests, oldest first. */
    public List<Long> requestTimestampsNanos() {
        synchronized (arrivals) {
            int size = (int) Math.min(arrivalsTotal, MAX_TIMESTAMPS);
            List<Long> list = new ArrayList<>(size);
            for (long i = arrivalsTotal - size; i < arrivalsTotal; i++) {
                list.add(arrivals[(int) (i % MAX_TIMESTAMPS)]);
            }
            return list;
        }
    }

    /** Distinct {@code authorization} header values seen (at most {@value #MAX_AUTHORIZATION_HEADERS}). */
    public Set<String> authorizationHeadersSeen() {
        return Set.copyOf(authorizationHeaders);
    }

    /** The bodies of the last {@value #MAX_BODIES} requests, oldest first. */
    public List<String> lastRequestBodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    /** Forgets every count and record. */
    public void reset() {
        requests.set(0);
        rateLimited.set(0);
        requestsByAction.clear();
        idsRequested.reset();
        synchronized (arrivals) {
            arrivalsTotal = 0;
        }
        authorizationHeaders.clear();
        synchronized (bodies) {
            bodies.clear();
        }
    }
}
