package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process simulator of the Dreamina Tasks API, {@code POST {base}/dreamina/tasks}, following
 * docs/tasks-api.md to the letter.
 *
 * <p>Order of handling for every request: count it (counters, timestamps, headers, body), wait the configured
 * {@link #latency(Duration)}, answer with the next injected {@link Fault} if any, answer 429 if the sliding
 * one-second window is full, then the normal answer: path and method (404 {@code no_api}), token (400/401/403),
 * body and action (400 {@code bad_request}), poisoned ids (400), and finally the task detail(s).
 *
 * <p>A method other than POST on the right path answers 404 {@code no_api} (the vendor's table has no 405).
 *
 * <p>Thread-safe. Setters other than {@link #port(int)} may also be called while running.
 */
public final class TasksApiSimulator implements AutoCloseable {

    public static final String PATH = "/dreamina/tasks";
    public static final int DEFAULT_MAX_REQUESTS_PER_SECOND = 60;

    static final int MAX_TIMESTAMPS = 100_000;
    static final int MAX_BODIES = 1_000;
    static final int MAX_AUTHORIZATION_HEADERS = 1_000;
    static final int MAX_BODY_BYTES = 256 * 1024;
    /**
     * Handler threads. Each request holds one for its {@link #latency(Duration)}: 64 answer 200 requests/s at
     * 300 ms each, well above the vendor's 60, so that added latency never turns into queueing in the simulator.
     */
    private static final int THREADS = 64;
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ITEMS_OPEN = "{\"items\":[".getBytes(StandardCharsets.UTF_8);
    private static final long ONE_SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(TasksApiSimulator.class.getName());

    /** Messages of the vendor's error codes (docs/tasks-api.md, "Errors"; wording is the simulator's). */
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("bad_request", "bad request"),
            Map.entry("no_token", "no token provided, set the authorization header to Bearer {token}"),
            Map.entry("invalid_token", "the token is invalid"),
            Map.entry("token_expired", "the token has expired"),
            Map.entry("token_mismatched", "the token does not belong to this service"),
            Map.entry("disabled", "the token has been disabled"),
            Map.entry("used_up", "the balance of this token is used up"),
            Map.entry("forbidden", "access to this api is forbidden"),
            Map.entry("no_api", "no api found for this path"),
            Map.entry("too_many_requests", "too many requests, rate limit exceeded"),
            Map.entry("rate_limited", "too many concurrent requests, retry later"),
            Map.entry("api_error", "internal server error"),
            Map.entry("timeout", "the request timed out"));

    private final String token;
    private int port;
    private volatile int maxRequestsPerSecond = DEFAULT_MAX_REQUESTS_PER_SECOND;
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration hangFor = Duration.ofSeconds(30);
    private volatile TokenState tokenState = TokenState.VALID;

    private final Map<String, SimulatedTask> tasksById = new ConcurrentHashMap<>();
    private final Map<String, SimulatedTask> tasksByTraceId = new ConcurrentHashMap<>();
    private final Set<String> poisonIds = ConcurrentHashMap.newKeySet();
    private final Map<String, Fault> faultsById = new ConcurrentHashMap<>();
    private final Queue<Fault> queuedFaults = new ConcurrentLinkedQueue<>();
    private volatile Fault permanentFault;

    /** Admission times (nanoTime) of the requests in the current sliding second. */
    private final Deque<Long> window = new ArrayDeque<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong faultsAnswered = new AtomicLong();
    private final Map<String, LongAdder> requestsByAction = new ConcurrentHashMap<>();
    /** Task ids named by the retrieve and retrieve_batch requests that reached an answer. */
    private final LongAdder idsRequested = new LongAdder();
    /** Ring buffer of the last {@link #MAX_TIMESTAMPS} arrival times; guarded by itself. */
    private final long[] arrivals = new long[MAX_TIMESTAMPS];
    private long arrivalsTotal;
    private final Set<String> authorizationHeaders = ConcurrentHashMap.newKeySet();
    private final Deque<String> bodies = new ArrayDeque<>();

    private HttpServer server;
    private ExecutorService executor;

    public TasksApiSimulator(String token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    // ---------------------------------------------------------------- configuration

    /** The port to listen on; 0 (the default) picks a free one. Only before {@link #start()}. */
    public synchronized TasksApiSimulator port(int port) {
        if (server != null) {
            throw new IllegalStateException("the port is fixed once started");
        }
        this.port = port;
        return this;
    }

    /** Requests admitted in any sliding second; above it the answer is 429. Integer.MAX_VALUE: no limit. */
    public TasksApiSimulator maxRequestsPerSecond(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxRequestsPerSecond must be at least 1");
        }
        this.maxRequestsPerSecond = max;
        return this;
    }

    /** A fixed delay added to every answer. */
    public TasksApiSimulator latency(Duration latency) {
        this.latency = requireNotNegative(latency, "latency");
        return this;
    }

    /** How long a {@link Fault#hang()} waits before its 500 answer (default 30 s). */
    public TasksApiSimulator hangFor(Duration hangFor) {
        this.hangFor = requireNotNegative(hangFor, "hangFor");
        return this;
    }

    /** What the API says about the (correctly presented) token from now on. */
    public TasksApiSimulator tokenState(TokenState state) {
        this.tokenState = Objects.requireNonNull(state, "state");
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    public synchronized TasksApiSimulator start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        // Without it, Nagle plus delayed ACK cost about 44 ms per POST. The JDK reads it once,
        // when its server configuration class loads: it must be set before the first HttpServer.create.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "tasks-api-simulator-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        // Context "/" so that every other path reaches the handler and answers no_api.
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** {@code http://127.0.0.1:PORT}; the client appends {@link #PATH}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The port listened on. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops at once: open connections are closed and handlers still waiting are interrupted. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "simulator handler threads still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
    }

    // ---------------------------------------------------------------- tasks

    public SimulatedTask createTask(TaskScript script) {
        return createTask(UUID.randomUUID().toString(), script);
    }

    /** A task with a given id (a hyphenated UUID, as the vendor's) and a random trace id. */
    public SimulatedTask createTask(String id, TaskScript script) {
        SimulatedTask task = new SimulatedTask(id, UUID.randomUUID().toString(), script);
        if (tasksById.putIfAbsent(id, task) != null) {
            throw new IllegalArgumentException("a task with id " + id + " already exists");
        }
        tasksByTraceId.put(task.traceId(), task);
        return task;
    }

    public Optional<SimulatedTask> task(String id) {
        return Optional.ofNullable(tasksById.get(id));
    }

    public Collection<SimulatedTask> tasks() {
        return List.copyOf(tasksById.values());
    }

    // ---------------------------------------------------------------- faults

    /** The next {@code n} requests answer with {@code fault} (queued after faults already queued). */
    public TasksApiSimulator failNext(int n, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < n; i++) {
            queuedFaults.add(fault);
        }
        return this;
    }

    /** Every request answers with {@code fault} once the queued faults are used up, until {@link #clearFaults()}. */
    public TasksApiSimulator failAlways(Fault fault) {
        this.permanentFault = Objects.requireNonNull(fault, "fault");
        return this;
    }

    public TasksApiSimulator clearFaults() {
        faultsById.clear();
        queuedFaults.clear();
        permanentFault = null;
        return this;
    }

    /** Any request naming this id (in {@code id} or {@code ids}) answers 400 bad_request, naming no task. */
    public TasksApiSimulator poisonId(String id) {
        poisonIds.add(Objects.requireNonNull(id, "id"));
        return this;
    }

    /** Any request naming this id (in {@code id} or {@code ids}) answers with the fault, every time. */
    public TasksApiSimulator failWhenNaming(String id, Fault fault) {
        faultsById.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(fault, "fault"));
        return this;
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

    public TasksApiSimulator clearPoisonIds() {
        poisonIds.clear();
        return this;
    }

    // ---------------------------------------------------------------- introspection

    public long requestCount() {
        return requests.get();
    }

    /** Requests whose body named this action; a JSON object without {@code action} counts as "retrieve". */
    public long requestCount(String action) {
        LongAdder count = requestsByAction.get(action);
        return count == null ? 0 : count.sum();
    }

    /**
     * Task ids named by the requests that reached an answer (one per {@code retrieve}, the distinct ids of a
     * {@code retrieve_batch}): divided by those requests, the ids per request.
     */
    public long idsRequested() {
        return idsRequested.sum();
    }

    /** 429 answers of the simulator's own rate limit (not those of injected faults). */
    public long rateLimitedCount() {
        return rateLimited.get();
    }

    /** Answers given by an injected fault. */
    public long faultCount() {
        return faultsAnswered.get();
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

    /** Forgets every count and record, and empties the rate-limit window. Tasks and faults stay. */
    public void resetCounters() {
        requests.set(0);
        rateLimited.set(0);
        faultsAnswered.set(0);
        requestsByAction.clear();
        idsRequested.reset();
        synchronized (arrivals) {
            arrivalsTotal = 0;
        }
        authorizationHeaders.clear();
        synchronized (bodies) {
            bodies.clear();
        }
        synchronized (window) {
            window.clear();
        }
    }

    // ---------------------------------------------------------------- handling

    /** One answer: status, content type, body and an optional Retry-After header value. */
    private record Answer(int status, String contentType, byte[] body, String retryAfter) {

        static Answer json(int status, JsonNode body) {
            return json(status, body, null);
        }

        static Answer json(int status, JsonNode body, String retryAfter) {
            try {
                return new Answer(status, JSON_TYPE, JSON.writeValueAsBytes(body), retryAfter);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a JSON tree", e);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            long arrival = System.nanoTime();
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            String authorization = exchange.getRequestHeaders().getFirst("authorization");
            JsonNode parsed = parse(body);
            record(arrival, authorization, body, parsed);

            if (!pause(latency)) {
                return;
            }
            Fault fault = nextFault();
            if (fault == null && !faultsById.isEmpty()) {
                fault = faultNaming(parsed);
            }
            if (fault != null) {
                faultsAnswered.incrementAndGet();
                answerFault(exchange, fault);
                return;
            }
            if (!admit()) {
                rateLimited.incrementAndGet();
                // docs/tasks-api.md: 429 too_many_requests above 60 requests per second per token. The vendor
                // does not document Retry-After; the simulator sends one so that clients' handling is exercised.
                send(exchange, error(429, "too_many_requests", MESSAGES.get("too_many_requests"), "1"));
                return;
            }
            send(exchange, answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization,
                    body, parsed));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "simulator failed to answer", e);
            send(exchange, error(500, "api_error", "simulator failure: " + e, null));
        } finally {
            exchange.close();
        }
    }

    private void record(long arrival, String authorization, byte[] body, JsonNode parsed) {
        requests.incrementAndGet();
        if (parsed != null && parsed.isObject()) {
            JsonNode action = parsed.get("action");
            String name = action == null || action.isNull() ? "retrieve" : action.asText();
            requestsByAction.computeIfAbsent(name, key -> new LongAdder()).increment();
        }
        synchronized (arrivals) {
            arrivals[(int) (arrivalsTotal % MAX_TIMESTAMPS)] = arrival;
            arrivalsTotal++;
        }
        if (authorization != null && authorizationHeaders.size() < MAX_AUTHORIZATION_HEADERS) {
            authorizationHeaders.add(authorization);
        }
        synchronized (bodies) {
            bodies.addLast(new String(body, StandardCharsets.UTF_8));
            if (bodies.size() > MAX_BODIES) {
                bodies.removeFirst();
            }
        }
    }

    private Fault nextFault() {
        Fault queued = queuedFaults.poll();
        return queued != null ? queued : permanentFault;
    }

    /** Sliding one-second window: admits the request if fewer than the maximum were admitted in the last second. */
    private boolean admit() {
        int max = maxRequestsPerSecond;
        synchronized (window) {
            long now = System.nanoTime();
            while (!window.isEmpty() && now - window.peekFirst() >= ONE_SECOND_NANOS) {
                window.removeFirst();
            }
            if (window.size() >= max) {
                return false;
            }
            window.addLast(now);
            return true;
        }
    }

    private void answerFault(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault.kind()) {
            case HTTP_ERROR:
            case TOO_MANY_REQUESTS:
                send(exchange, error(fault.status(), fault.code(),
                        MESSAGES.getOrDefault(fault.code(), "simulated error"), fault.retryAfter()));
                break;
            case RATE_LIMITED_CONCURRENCY: {
                // docs/tasks-api.md, "Errors": {"success":false,"error":{"code":"rate_limited",…}}, no trace_id.
                ObjectNode body = JSON.createObjectNode();
                body.put("success", false);
                ObjectNode error = body.putObject("error");
                error.put("code", "rate_limited");
                error.put("message", MESSAGES.get("rate_limited"));
                send(exchange, Answer.json(429, body));
                break;
            }
            case NON_JSON_200:
                String html = "<html><head><title>Service Unavailable</title></head>"
                        + "<body><h1>Please retry later</h1></body></html>";
                send(exchange, new Answer(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), null));
                break;
            case HANG:
                if (pause(hangFor)) {
                    send(exchange, error(500, "api_error", MESSAGES.get("api_error"), null));
                }
                break;
            case DROP_CONNECTION:
                // Closing an exchange whose response headers were never sent closes the connection itself:
                // the client reads end of stream where an answer was due, an I/O error.
                exchange.close();
                break;
            default:
                throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    /** The normal answer, once faults and the rate limit have let the request through. */
    private Answer answer(String method, String path, String authorization, byte[] body, JsonNode parsed) {
        if (!PATH.equals(path) || !"POST".equals(method)) {
            return error(404, "no_api", MESSAGES.get("no_api") + ": " + method + " " + path, null);
        }
        // docs/tasks-api.md, "Errors": a missing token is 400 no_token, a wrong one 401 invalid_token.
        if (authorization == null) {
            return error(400, "no_token", MESSAGES.get("no_token"), null);
        }
        if (!authorization.equals("Bearer " + token)) {
            return error(401, "invalid_token", MESSAGES.get("invalid_token"), null);
        }
        TokenState state = tokenState;
        if (state != TokenState.VALID) {
            return error(state.status(), state.code(), MESSAGES.get(state.code()), null);
        }
        if (body.length > MAX_BODY_BYTES) {
            return badRequest("the request body is too large");
        }
        if (parsed == null || !parsed.isObject()) {
            return badRequest("the request body must be a JSON object");
        }
        JsonNode action = parsed.get("action");
        if (action == null || action.isNull()) {
            return retrieve(parsed); // "retrieve (default, single task)"
        }
        if (!action.isTextual()) {
            return badRequest("action must be a string");
        }
        switch (action.asText()) {
            case "retrieve":
                return retrieve(parsed);
            case "retrieve_batch":
                return retrieveBatch(parsed);
            default:
                return badRequest("unknown action, expected retrieve or retrieve_batch");
        }
    }

    private Answer retrieve(JsonNode request) {
        JsonNode id = request.get("id");
        JsonNode traceId = request.get("trace_id");
        if (!isTextOrAbsent(id) || !isTextOrAbsent(traceId)) {
            return badRequest("id and trace_id must be strings");
        }
        String idText = id == null ? "" : id.asText("");
        String traceIdText = traceId == null ? "" : traceId.asText("");
        if (idText.isEmpty() && traceIdText.isEmpty()) {
            // The vendor's own example message (its documented error response example).
            return badRequest("id or trace_id is required to retrieve a task");
        }
        if (poisonIds.contains(idText)) {
            return badRequest("the request could not be processed");
        }
        SimulatedTask task = !idText.isEmpty() ? tasksById.get(idText) : tasksByTraceId.get(traceIdText);
        idsRequested.increment();
        byte[] detail = null;
        if (task != null) {
            long now = System.nanoTime();
            task.polledAt(now);
            detail = task.detailBytesAt(now, JSON);
        }
        // "if the task does not exist or has no result yet, the endpoint returns an empty object {}".
        return new Answer(200, JSON_TYPE, detail != null ? detail : EMPTY_OBJECT, null);
    }

    private static boolean isTextOrAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isTextual();
    }

    private Answer retrieveBatch(JsonNode request) {
        JsonNode ids = request.get("ids");
        if (ids == null || !ids.isArray()) {
            return badRequest("ids must be an array of task ids");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                return badRequest("ids must be an array of task ids");
            }
            wanted.add(id.asText());
        }
        for (String id : wanted) {
            if (poisonIds.contains(id)) {
                return badRequest("the request could not be processed");
            }
        }
        idsRequested.add(wanted.size());
        long now = System.nanoTime();
        // {"items":[detail, …],"count":N}, written from each task's detail bytes (a finished detail is serialized
        // once): answering 100 finished tasks is a copy, so the simulator keeps up with 1,000 such requests a second.
        ByteArrayOutputStream answer = new ByteArrayOutputStream(256 + wanted.size() * 700);
        answer.writeBytes(ITEMS_OPEN);
        int count = 0;
        for (String id : wanted) {
            SimulatedTask task = tasksById.get(id);
            if (task == null) {
                continue; // "a task with no result yet may simply be absent" (docs/tasks-api.md); so is an unknown one.
            }
            task.polledAt(now);
            byte[] detail = task.detailBytesAt(now, JSON);
            if (detail != null) {
                if (count > 0) {
                    answer.write(',');
                }
                answer.writeBytes(detail);
                count++;
            }
        }
        answer.writeBytes(("],\"count\":" + count + "}").getBytes(StandardCharsets.UTF_8));
        return new Answer(200, JSON_TYPE, answer.toByteArray(), null);
    }

    private static Answer badRequest(String message) {
        return error(400, "bad_request", message, null);
    }

    /** The vendor's error body: {"error":{"code","message"},"trace_id"} with no success field. */
    private static Answer error(int status, String code, String message, String retryAfter) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        body.put("trace_id", UUID.randomUUID().toString());
        return Answer.json(status, body, retryAfter);
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0 || body.length > MAX_BODY_BYTES) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null; // answered as 400 bad_request
        }
    }

    /** Waits; false if interrupted (the simulator is closing), with the interrupt flag kept. */
    private static boolean pause(Duration duration) {
        if (duration.isZero()) {
            return true;
        }
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return duration;
    }

    // ---------------------------------------------------------------- standalone

    /** {@code --port N --token T --rate R --tasks K}: runs until killed, printing the base URL and task ids. */
    public static void main(String[] args) throws InterruptedException {
        int port = 8089;
        String token = "local-token";
        int rate = DEFAULT_MAX_REQUESTS_PER_SECOND;
        int taskCount = 0;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + name + "; usage: " + usage());
            }
            String value = args[++i];
            switch (name) {
                case "--port":
                    port = Integer.parseInt(value);
                    break;
                case "--token":
                    token = value;
                    break;
                case "--rate":
                    rate = Integer.parseInt(value);
                    break;
                case "--tasks":
                    taskCount = Integer.parseInt(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + name + "; usage: " + usage());
            }
        }
        TasksApiSimulator simulator = new TasksApiSimulator(token).port(port).maxRequestsPerSecond(rate).start();
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "tasks-api-simulator-shutdown"));
        System.out.println("Dreamina Tasks API simulator at " + simulator.baseUrl() + PATH
                + " (rate " + rate + "/s)");
        for (int i = 0; i < taskCount; i++) {
            Duration finishAfter = Duration.ofMillis(ThreadLocalRandom.current().nextLong(2_000, 10_001));
            System.out.println(simulator.createTask(TaskScript.done(finishAfter)).id());
        }
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    private static String usage() {
        return "TasksApiSimulator [--port N] [--token T] [--rate R] [--tasks K]";
    }
}
