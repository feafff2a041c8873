package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.simulator.RequestLog;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One workload on one subject, the steps every workload shares: its own topics and simulator, the subject
 * started with the run's settings, task ids fed to the input topic, the output watched, resources sampled; then
 * the common figures ({@link #measure}).
 */
final class WorkloadRun implements AutoCloseable {

    /** The client id of the benchmark's producer of task ids. */
    static final String FEED_CLIENT = "bench-feed";

    private final BenchEnv env;
    private final WorkloadResult result;
    private final boolean baseline;
    private final TestTopics topics;
    private final TasksApiSimulator api;
    private final RequestLog apiLog = new RequestLog();
    private final Map<String, SimulatedTask> tasks = new ConcurrentHashMap<>();
    private final AtomicLong feedErrors = new AtomicLong();
    private Subject subject;
    private ResourceSampler sampler;
    private OutputWatcher watcher;
    private IngestWatch ingest;
    private KafkaProducer<String, String> feeder;
    private long liveHeapBeforeMb;
    private long feedStartNanos;
    private long feedStartMillis;
    private int fed;

    /**
     * @param apiLimit   the simulator's requests per second (429 above it); Integer.MAX_VALUE lifts it
     * @param apiLatency added to every answer of the simulator
     */
    WorkloadRun(BenchEnv env, String workload, boolean baseline, int apiLimit, Duration apiLatency) {
        this.env = env;
        this.baseline = baseline;
        this.result = new WorkloadResult(workload, baseline ? "baseline" : "bridge");
        if (!baseline) {
            env.guarantee().ifPresent(g -> result.variant(g).setting("guarantee", g));
        }
        this.topics = TestTopics.unique("bench-" + workload + (baseline ? "-baseline" : ""));
        int inputPartitions = baseline ? env.settings().baselineConsumers() : env.settings().inputPartitions();
        env.client().createTopic(topics.in(), inputPartitions);
        env.client().createTopic(topics.out(), 3);
        env.client().createTopic(topics.dlq(), 1);
        this.api = new TasksApiSimulator(BenchSettings.TOKEN).hook(apiLog).maxRequestsPerSecond(apiLimit)
                .latency(apiLatency).start();
        result.setting("api.limitPerSecond", apiLimit == Integer.MAX_VALUE ? "none" : apiLimit);
        result.setting("api.latencyMs", apiLatency.toMillis());
        result.setting("inputPartitions", inputPartitions);
    }

    WorkloadResult result() {
        return result;
    }

    boolean isBaseline() {
        return baseline;
    }

    SimulatedTask createTask(TaskScript script) {
        SimulatedTask task = api.createTask(script);
        tasks.put(task.id(), task);
        return task;
    }

    /**
     * Starts the subject: the bridge with {@code bridgeSettings} (rate, batch, cadence…) on top of the benchmark's
     * one settings map, or the baseline route polling each task every {@code cadence}.
     */
    void startSubject(Map<String, String> bridgeSettings, Duration cadence) throws Exception {
        liveHeapBeforeMb = ResourceSampler.liveHeapMb();
        ThreadCpu cpu = new ThreadCpu();
        if (baseline) {
            subject = BaselineSubject.start(env.bootstrapServers(), api.baseUrl(), BenchSettings.TOKEN, topics,
                    env.settings().baselineConsumers(), cadence);
            result.setting("baseline", Map.of("consumers", env.settings().baselineConsumers(),
                    "maxPollRecords", 1, "cadenceMs", cadence.toMillis(), "requestPerPoll", "retrieve (one task)"));
        } else {
            Map<String, String> settings = env.settings().bridgeSettings(env.bootstrapServers(), api.baseUrl(),
                    topics, bridgeSettings, env.guarantee());
            subject = BridgeSubject.start(settings);
            result.setting("bridge", BenchSettings.printable(settings));
        }
        startWatching(cpu);
    }

    /**
     * Starts the bridge as the built jar in a process of its own ({@link ProcessSubject}) with {@code
     * bridgeSettings} on top of the benchmark's settings; this JVM keeps the broker, the simulator and the
     * benchmark's clients.
     */
    ProcessSubject startProcessSubject(Map<String, String> bridgeSettings) throws Exception {
        ThreadCpu cpu = new ThreadCpu();
        Map<String, String> settings = env.settings().bridgeSettings(env.bootstrapServers(), api.baseUrl(), topics,
                bridgeSettings, env.guarantee());
        ProcessSubject process = ProcessSubject.start(settings, env.settings().processJvmOptions());
        subject = process;
        result.setting("bridge", BenchSettings.printable(settings));
        result.setting("processJvmOptions", env.settings().processJvmOptions());
        startWatching(cpu);
        return process;
    }

    private void startWatching(ThreadCpu cpu) {
        sampler = new ResourceSampler(cpu);
        watcher = new OutputWatcher(env.bootstrapServers(), topics.out()).start();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, FEED_CLIENT);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Not idempotent: its first batches to a fresh topic may meet NOT_LEADER and be retried out of order, which
        // an idempotent producer answers with sequence errors until its delivery timeout.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        feeder = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        within(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(feeder.partitionsFor(topics.in()).stream()
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty()), () -> "leaders of " + topics.in()));
    }

    /** Feeds task ids as fast as the producer goes (the first call starts the clock). */
    void feed(Collection<String> ids) {
        ids.forEach(this::feedOne);
        flush();
    }

    /** Feeds one task id (the first call starts the clock and the measurement). */
    void feedOne(String id) {
        if (feedStartNanos == 0) {
            feedStartNanos = System.nanoTime();
            feedStartMillis = System.currentTimeMillis();
            sampler.start();
            ingest = new IngestWatch(env.client(), subject.inputGroup(), topics.in(), feedStartNanos).start();
        }
        fed++;
        feeder.send(new ProducerRecord<>(topics.in(), id, id), (metadata, error) -> {
            if (error != null) {
                feedErrors.incrementAndGet();
            }
        });
    }

    /** Sends what was fed; the ingest is complete once the input offsets cover it all. */
    void flush() {
        feeder.flush();
        ingest.expect(fed);
    }

    /** Waits until every task fed is on the output topic; false at the timeout. */
    boolean awaitOutputs(Duration timeout) {
        return waitFor(timeout, () -> watcher.distinct() >= fed);
    }

    /** Waits until every record fed was ingested (offsets committed); false at the timeout. */
    boolean awaitIngested(Duration timeout) {
        ingest.expect(fed);
        return waitFor(timeout, () -> !Double.isNaN(ingest.seconds()));
    }

    /** Wall clock (epoch ms) of the first id fed. */
    long feedStartMillis() {
        return feedStartMillis;
    }

    ResourceSampler sampler() {
        return sampler;
    }

    /** The figures every workload has, into {@link #result()}; stops the sampling. */
    WorkloadResult measure() throws InterruptedException {
        ResourceSampler.Resources resources = sampler.stop();
        ingest.stop();
        double elapsed = (System.nanoTime() - feedStartNanos) / 1e9;
        Map<String, Long> outputs = watcher.firstTimestamps();
        int completed = outputs.size();
        boolean complete = completed >= fed;
        long lastOutput = outputs.values().stream().mapToLong(Long::longValue).max().orElse(feedStartMillis);
        double drain = complete ? (lastOutput - feedStartMillis) / 1e3 : Double.NaN;
        long requests = apiLog.requestCount();
        long rateLimited = apiLog.rateLimitedCount();
        List<Long> arrivals = apiLog.requestTimestampsNanos().stream().filter(t -> t >= feedStartNanos).toList();
        List<Long> detection = new ArrayList<>();
        outputs.forEach((id, timestamp) -> {
            SimulatedTask task = tasks.get(id);
            if (task != null) {
                task.finishedAt().ifPresent(done -> detection.add(timestamp - done.toEpochMilli()));
            }
        });
        long deadLetters = env.client().endOffsets(topics.dlq()).values().stream().mapToLong(Long::longValue).sum();
        long outputOffsets = env.client().endOffsets(topics.out()).values().stream().mapToLong(Long::longValue).sum();

        result.figure("tasks", fed).figure("feedErrors", feedErrors.get()).figure("completed", completed)
                .figure("complete", complete).figure("duplicates", watcher.duplicates())
                .figure("deadLetters", deadLetters)
                // Above 1 when the subject writes in transactions: each commit puts a marker on every partition.
                .figure("outputOffsetsPerRecord", Stats.ratio(outputOffsets, completed + watcher.duplicates()))
                .figure("elapsedSeconds", elapsed)
                .figure("drainSeconds", drain)
                .figure("tasksPerSecond", completed / (complete ? Math.max(drain, 1e-3) : elapsed))
                .figure("ingestSeconds", ingest.seconds())
                .figure("ingestRecordsPerSecond", Stats.ratio(fed, ingest.seconds()))
                .figure("inputCommitted", ingest.committed())
                .figure("apiRequests", requests)
                .figure("api429", rateLimited)
                .figure("idsPerRequest", Stats.ratio(apiLog.idsRequested(), requests - rateLimited))
                .figure("requestsPerCompletedTask", Stats.ratio(requests, completed))
                .figure("busiest1sRequests", Stats.busiestWindow(arrivals, 1_000_000_000L))
                .figure("sustainedRequestsPerSecondBusiest10s",
                        Stats.busiestWindow(arrivals, 10_000_000_000L) / 10.0)
                .figure("detectionP50Ms", Stats.percentile(detection, 50))
                .figure("detectionP99Ms", Stats.percentile(detection, 99))
                .figure("detectionMaxMs", Stats.percentile(detection, 100))
                .figure("cpuSeconds", resources.subjectCpuSeconds())
                .figure("processCpuSeconds", resources.processCpuSeconds())
                .figure("cpuSecondsPer1000Tasks", Stats.ratio(resources.subjectCpuSeconds() * 1000, completed))
                .figure("heapPeakMb", resources.heapPeakMb())
                .figure("heapPoolPeaksMb", resources.heapPoolPeaksMb())
                .figure("rssPeakMb", resources.rssPeakMb())
                .figure("vmHwmMb", resources.vmHwmMb())
                .figure("vmHwmSinceRunStart", resources.hwmReset())
                .figure("liveHeapBeforeSubjectMb", liveHeapBeforeMb)
                .figure("cpuSecondsByThreadFamily", sampler.cpu().secondsByFamily())
                .figure("subjectThreads", sampler.cpu().families())
                .figure("otherNewThreads", sampler.cpu().otherFamilies());
        return result;
    }

    /** The JVM's live heap now (after forced collections), minus before the subject started: its share, in MB. */
    long liveHeapShareMb() {
        long live = ResourceSampler.liveHeapMb();
        result.figure("liveHeapWithSubjectMb", live);
        return live - liveHeapBeforeMb;
    }

    @Override
    public void close() throws Exception {
        try {
            // A run that ends without measure() (a failure, or a pass whose figures are unwanted) stops sampling here.
            if (sampler != null) {
                sampler.halt();
            }
            if (ingest != null) {
                ingest.stop();
            }
            if (watcher != null) {
                watcher.stop();
            }
            if (feeder != null) {
                feeder.close(Duration.ofSeconds(5));
            }
            if (subject != null) {
                subject.close();
            }
        } finally {
            api.close();
        }
    }

    private static boolean waitFor(Duration timeout, java.util.function.BooleanSupplier condition) {
        try {
            within(timeout).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException timedOut) {
            return false;
        }
    }
}
