package cloud.acedata.dreamina.bridge.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process simulator of the Dreamina Tasks API, {@code POST {base}/dreamina/tasks}, following
 * docs/tasks-api.md to the letter. Local mode runs the bridge against it; the tests do too.
 *
 * <p>Order of handling for every request: the {@link ExchangeHook} (if any) is told of it and may answer instead
 * of the API; the configured {@link #latency(Duration)} passes; then the hook's answer if it gave one, otherwise
 * 429 if the sliding one-second window is full, otherwise the API's answer: path and method (404 {@code no_api}),
 * token (400/401/403), body and action (400 {@code bad_request}), and finally the task detail(s) or {@code {}}.
 * The hook is told of every answer.
 *
 * <p>A method other than POST on the right path answers 404 {@code no_api} (the vendor's table has no 405).
 *
 * <p>Thread-safe. Setters other than {@link #port(int)} may also be called while running.
 */
public final class TasksApiSimulator implements AutoCloseable {

    public static final String PATH = "/dreamina/tasks";
    public static final int DEFAULT_MAX_REQUESTS_PER_SECOND = 60;

    static final int MAX_BODY_BYTES = 256 * 1024;
    /**
     * Handler threads. Each request holds one for its {@link #latency(Duration)}: 64 answer 200 requests/s at
     * 300 ms each, well above the vendor's 60, so that added latency never turns into queueing in the simulator.
     */
    private static final int THREADS = 64;
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ITEMS_OPEN = "{\"items\":[".getBytes(StandardCharsets.UTF_8);
    private static final long ONE_SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String JSON_TYPE = SimulatorAnswer.JSON_TYPE;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(TasksApiSimulator.class.getName());
    private static final ExchangeHook NO_HOOK = request -> null;

    private final String token;
    private int port;
    private volatile int maxRequestsPerSecond = DEFAULT_MAX_REQUESTS_PER_SECOND;
    private volatile Duration latency = Duration.ZERO;
    private volatile TokenState tokenState = TokenState.VALID;
    private volatile ExchangeHook hook = NO_HOOK;

    private final Map<String, SimulatedTask> tasksById = new ConcurrentHashMap<>();
    private final Map<String, SimulatedTask> tasksByTraceId = new ConcurrentHashMap<>();

    /** Admission times (nanoTime) of the requests in the current sliding second. */
    private final Deque<Long> window = new ArrayDeque<>();

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

    /** A fixed delay added to every answer, as the real API takes time to answer (default none). */
    public TasksApiSimulator latency(Duration latency) {
        this.latency = requireNotNegative(latency, "latency");
        return this;
    }

    /** What the API says about the (correctly presented) token from now on. */
    public TasksApiSimulator tokenState(TokenState state) {
        this.tokenState = Objects.requireNonNull(state, "state");
        return this;
    }

    /**
     * The extension point: {@code hook} is told of every request and answer from now on, and may answer instead
     * of the API; {@code null} removes it. One hook at a time ({@link ExchangeHook#andThen} combines several).
     */
    public TasksApiSimulator hook(ExchangeHook hook) {
        this.hook = hook != null ? hook : NO_HOOK;
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

    // ---------------------------------------------------------------- handling

    private void handle(HttpExchange exchange) throws IOException {
        try {
            long arrival = System.nanoTime();
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            SimulatorRequest request = new SimulatorRequest(arrival, exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("authorization"), body,
                    parse(body));
            ExchangeHook hook = this.hook;
            SimulatorAnswer answer = hook.intercept(request);
            ExchangeHook.AnsweredBy by = ExchangeHook.AnsweredBy.HOOK;

            if (!pause(latency)) {
                return;
            }
            if (answer == null) {
                if (admit()) {
                    answer = answer(request);
                    by = ExchangeHook.AnsweredBy.PROTOCOL;
                } else {
                    // docs/tasks-api.md: 429 too_many_requests above 60 requests per second per token. The vendor
                    // does not document Retry-After; the simulator sends one so that clients' handling is exercised.
                    answer = error(429, "too_many_requests", SimulatorAnswer.vendorMessage("too_many_requests"), "1");
                    by = ExchangeHook.AnsweredBy.RATE_LIMIT;
                }
            }
            hook.answered(request, answer, by);
            if (!answer.closesConnection()) {
                send(exchange, answer);
            }
            // else: closing an exchange whose response headers were never sent closes the connection itself.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "simulator failed to answer", e);
            send(exchange, error(500, "api_error", "simulator failure: " + e, null));
        } finally {
            exchange.close();
        }
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

    /** The API's answer, once the hook and the rate limit have let the request through. */
    private SimulatorAnswer answer(SimulatorRequest request) {
        String method = request.method();
        String path = request.path();
        String authorization = request.authorization();
        JsonNode parsed = request.json();
        if (!PATH.equals(path) || !"POST".equals(method)) {
            return error(404, "no_api", SimulatorAnswer.vendorMessage("no_api") + ": " + method + " " + path, null);
        }
        // docs/tasks-api.md, "Errors": a missing token is 400 no_token, a wrong one 401 invalid_token.
        if (authorization == null) {
            return error(400, "no_token", SimulatorAnswer.vendorMessage("no_token"), null);
        }
        if (!authorization.equals("Bearer " + token)) {
            return error(401, "invalid_token", SimulatorAnswer.vendorMessage("invalid_token"), null);
        }
        TokenState state = tokenState;
        if (state != TokenState.VALID) {
            return error(state.status(), state.code(), SimulatorAnswer.vendorMessage(state.code()), null);
        }
        if (request.body().length > MAX_BODY_BYTES) {
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

    private SimulatorAnswer retrieve(JsonNode request) {
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
        SimulatedTask task = !idText.isEmpty() ? tasksById.get(idText) : tasksByTraceId.get(traceIdText);
        byte[] detail = null;
        if (task != null) {
            long now = System.nanoTime();
            task.polledAt(now);
            detail = task.detailBytesAt(now, JSON);
        }
        // "if the task does not exist or has no result yet, the endpoint returns an empty object {}".
        return new SimulatorAnswer(200, JSON_TYPE, detail != null ? detail : EMPTY_OBJECT, null);
    }

    private static boolean isTextOrAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isTextual();
    }

    private SimulatorAnswer retrieveBatch(JsonNode request) {
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
        return new SimulatorAnswer(200, JSON_TYPE, answer.toByteArray(), null);
    }

    private static SimulatorAnswer badRequest(String message) {
        return error(400, "bad_request", message, null);
    }

    private static SimulatorAnswer error(int status, String code, String message, String retryAfter) {
        return SimulatorAnswer.error(status, code, message, retryAfter);
    }

    private static void send(HttpExchange exchange, SimulatorAnswer answer) throws IOException {
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

    /**
     * {@code --port N --token T --rate R --latency MS --tasks K}: runs until killed, printing the base URL and task
     * ids.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 8089;
        String token = "local-token";
        int rate = DEFAULT_MAX_REQUESTS_PER_SECOND;
        int taskCount = 0;
        Duration latency = Duration.ZERO;
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
                case "--latency":
                    latency = Duration.ofMillis(Long.parseLong(value));
                    break;
                case "--tasks":
                    taskCount = Integer.parseInt(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + name + "; usage: " + usage());
            }
        }
        TasksApiSimulator simulator = new TasksApiSimulator(token).port(port).maxRequestsPerSecond(rate)
                .latency(latency).start();
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "tasks-api-simulator-shutdown"));
        System.out.println("Dreamina Tasks API simulator at " + simulator.baseUrl() + PATH
                + " (rate " + rate + "/s, latency " + latency.toMillis() + " ms)");
        for (int i = 0; i < taskCount; i++) {
            Duration finishAfter = Duration.ofMillis(ThreadLocalRandom.current().nextLong(2_000, 10_001));
            System.out.println(simulator.createTask(TaskScript.done(finishAfter)).id());
        }
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    private static String usage() {
        return "TasksApiSimulator [--port N] [--token T] [--rate R] [--latency MS] [--tasks K]";
    }
}
