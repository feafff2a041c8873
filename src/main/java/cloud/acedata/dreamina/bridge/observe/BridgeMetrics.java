package cloud.acedata.dreamina.bridge.observe;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The bridge's own meters, in the same registry as the JVM's and the Kafka clients' ({@code dreamina_…} in
 * Prometheus). Labels are bounded: results, outcomes, error codes, HTTP statuses, gate states — never a task id.
 */
public final class BridgeMetrics {

    static final String INGESTED = "dreamina.tasks.ingested";
    static final String PUBLISHED = "dreamina.tasks.published";
    static final String DEAD_LETTERED = "dreamina.tasks.dead.lettered";
    static final String POLLS = "dreamina.polls";
    static final String API_REQUESTS = "dreamina.api.requests";
    static final String API_REQUEST_IDS = "dreamina.api.request.ids";
    static final String RATE_LIMITER_WAIT = "dreamina.api.rate.limiter.wait";
    static final String IN_FLIGHT = "dreamina.tasks.in.flight";
    static final String OLDEST_DUE_AGE = "dreamina.tasks.oldest.due.age";
    static final String INGEST_TO_DONE = "dreamina.tasks.ingest.to.done";
    static final String KAFKA_WRITE_RETRIES = "dreamina.kafka.write.retries";
    static final String CREDENTIAL_REJECTED = "dreamina.api.credential.rejected";
    static final String GATE_STATE = "dreamina.api.gate.state";
    static final String HEALTH_UP = "dreamina.health.up";
    static final String SCHEDULER_CONSUMER_STARTS = "dreamina.scheduler.consumer.starts";
    static final String TRANSACTIONS = "dreamina.transactions";

    /**
     * Histogram buckets chosen for the domain (Micrometer's default percentile histogram has 69 buckets per
     * series, which makes every histogram_quantile of a dashboard heavy): API requests from a few milliseconds to the
     * 30 s read timeout; ingest to done from a few seconds to beyond the 15 min max-wait.
     */
    static final Duration[] API_LATENCY_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    static final Duration[] INGEST_TO_DONE_BUCKETS = seconds(5, 10, 20, 30, 60, 120, 300, 600, 900, 1800);

    /** A code the API sends is a label only when it looks like one; anything else is counted as {@code other}. */
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private final MeterRegistry registry;
    private final AtomicLong inFlight = new AtomicLong(-1);
    /**
     * The meters counted once per task or record, by name and tag, each registered on its first use as before:
     * building and registering a meter again for every task cost more than counting.
     */
    private final Map<String, Meter> perTask = new ConcurrentHashMap<>();

    public BridgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(IN_FLIGHT, inFlight, v -> v.get() < 0 ? Double.NaN : v.get())
                .description("Tasks waiting on the pending topic: the lag of the pending consumer group (all instances)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** An input record was read: {@code accepted} (parked on the pending topic) or {@code invalid}. */
    public void ingested(String result) {
        perTask(INGESTED + " " + result, () -> Counter.builder(INGESTED).description("Input records read, by result")
                .tag("result", result).register(registry), Counter.class).increment();
    }

    public void published() {
        perTask(PUBLISHED, () -> Counter.builder(PUBLISHED).description("Finished tasks written to the output topic")
                .register(registry), Counter.class).increment();
    }

    public void deadLettered(String code) {
        Counter.builder(DEAD_LETTERED).description("Dead letters written, by error code")
                .tag("code", boundedCode(code)).register(registry).increment();
    }

    /** One task's poll: {@code done}, {@code dead_letter}, {@code not_ready} or {@code api_unavailable}. */
    public void poll(String outcome, int tasks) {
        perTask(POLLS + " " + outcome, () -> Counter.builder(POLLS).description("Task polls, by outcome")
                .tag("outcome", outcome).register(registry), Counter.class).increment(tasks);
    }

    /**
     * One request to the Tasks API.
     *
     * @param status the HTTP status, or 0 when no answer came (I/O error)
     * @param ids    the task ids it asked about
     */
    public void apiRequest(int status, long nanos, int ids) {
        Timer.builder(API_REQUESTS).description("Requests to the Tasks API, by HTTP status (io_error: no answer)")
                .tag("status", status == 0 ? "io_error" : String.valueOf(status))
                .serviceLevelObjectives(API_LATENCY_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        DistributionSummary.builder(API_REQUEST_IDS).description("Task ids per request to the Tasks API")
                .register(registry).record(ids);
    }

    public void rateLimiterWait(long nanos) {
        Timer.builder(RATE_LIMITER_WAIT).description("Time a request waited for the client-side rate limit")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ingestToDone(Duration elapsed) {
        perTask(INGEST_TO_DONE, () -> Timer.builder(INGEST_TO_DONE)
                .description("Time from ingest to the task being published")
                .serviceLevelObjectives(INGEST_TO_DONE_BUCKETS)
                .register(registry), Timer.class).record(elapsed.isNegative() ? Duration.ZERO : elapsed);
    }

    private <M extends Meter> M perTask(String key, Supplier<M> register, Class<M> type) {
        return type.cast(perTask.computeIfAbsent(key, k -> register.get()));
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos((long) (s * 1e9)))
                .toArray(Duration[]::new);
    }

    public void kafkaWriteRetry() {
        Counter.builder(KAFKA_WRITE_RETRIES).description("Retries of failed Kafka writes").register(registry)
                .increment();
    }

    /** The pending group's lag, or -1 when unknown (not measured yet, or the broker did not answer). */
    public void inFlight(long tasks) {
        inFlight.set(tasks);
    }

    public long inFlight() {
        return inFlight.get();
    }

    /** How late the oldest due task in the scheduler's hands is (0 when none is overdue). */
    public void oldestDueAge(Supplier<Duration> age) {
        Gauge.builder(OLDEST_DUE_AGE, age, s -> {
                    Duration d = s.get();
                    return d == null ? 0 : d.toMillis() / 1000.0;
                })
                .description("How long the oldest due task has waited past its due time").baseUnit("seconds")
                .strongReference(true).register(registry);
    }

    /** 1 while every check of the probe ({@code readiness}, {@code liveness}) is up, asked at each scrape. */
    public void health(String probe, BooleanSupplier up) {
        Gauge.builder(HEALTH_UP, up, u -> u.getAsBoolean() ? 1 : 0)
                .description("1 while every health check of the probe is up (as /observe/health/<probe> answers 200)")
                .tag("probe", probe).strongReference(true).register(registry);
    }

    /** The scheduler created its pending-topic consumer: once at start, once more per restart after a failure. */
    public void schedulerConsumerStarted() {
        Counter.builder(SCHEDULER_CONSUMER_STARTS)
                .description("Pending-topic consumers the scheduler created: 1 at start, 1 more per restart after a "
                        + "failure").register(registry).increment();
    }

    /** A transaction of a hop ({@code ingest}, {@code poll}) ended: {@code committed} or {@code aborted}. */
    public void transaction(String hop, String outcome) {
        Counter.builder(TRANSACTIONS).description("Kafka transactions of the bridge (exactly-once), by hop and outcome")
                .tag("hop", hop).tag("outcome", outcome).register(registry).increment();
    }

    /** Credential state (1 while the API refuses the token) and the gate's state (1 on the current one). */
    public void gate(ApiGate gate) {
        Gauge.builder(CREDENTIAL_REJECTED, gate, g -> g.isCredentialRejected() ? 1 : 0)
                .description("1 while the Tasks API refuses the token").register(registry);
        for (ApiGate.State state : ApiGate.State.values()) {
            Gauge.builder(GATE_STATE, gate, g -> g.state() == state ? 1 : 0)
                    .description("The API gate's state: 1 on the current one (open, backing_off, paused)")
                    .tag("state", label(state)).register(registry);
        }
    }

    // ---------------------------------------------------------------------------------------- read back

    public long ingestedTotal() {
        return count(registry.find(INGESTED));
    }

    public long ingestedCount(String result) {
        return count(registry.find(INGESTED).tag("result", result));
    }

    public long publishedTotal() {
        return count(registry.find(PUBLISHED));
    }

    public Map<String, Long> deadLetteredByCode() {
        Map<String, Long> byCode = new TreeMap<>();
        registry.find(DEAD_LETTERED).counters()
                .forEach(c -> byCode.merge(c.getId().getTag("code"), (long) c.count(), Long::sum));
        return byCode;
    }

    public long apiRequestsTotal() {
        return registry.find(API_REQUESTS).timers().stream().mapToLong(Timer::count).sum();
    }

    public long apiRequests(int status) {
        return registry.find(API_REQUESTS).tag("status", String.valueOf(status)).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static long count(Search search) {
        return (long) search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** {@code open}, {@code backing_off}, {@code paused}. */
    public static String label(ApiGate.State state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String boundedCode(String code) {
        return code != null && CODE.matcher(code).matches() ? code : "other";
    }
}
