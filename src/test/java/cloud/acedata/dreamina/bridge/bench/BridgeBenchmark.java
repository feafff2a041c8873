package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import cloud.acedata.dreamina.bridge.DreaminaBridgeApplication;
import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The bridge's benchmark: a plain {@code main}, not a test (it never runs in {@code mvn verify}).
 *
 * <p>Everything runs in this JVM, on loopback only: one {@link EmbeddedKafka} broker, one {@link TasksApiSimulator}
 * (the vendor's 60 requests/s limit) and the bridge itself, built by {@code DreaminaBridgeApplication.newMain()}
 * (as the tests' {@code BridgeInstance} does) exactly as the jar builds it, from {@code routes/} and {@code config/} in the
 * working directory, with only the broker, the API, the topics and the benchmark's settings overridden.
 *
 * <ul>
 *   <li><b>throughput</b>: N tasks that are already finished; their ids are produced to the input topic as fast
 *       as possible, and the output topic is read until all N are there. Reports produce time, end-to-end
 *       tasks/s, the produce-to-output latency (output record timestamp minus input record timestamp), the API
 *       requests, 429s and the busiest one-second window the simulator saw, where the bridge's threads spend
 *       their time (stack sampling), and the heap.</li>
 *   <li><b>memory</b>: for each backlog size, that many never-finishing tasks are put in flight (written to the
 *       pending topic in the bridge's own format, as the ingest route leaves them), and the bridge polls them
 *       for a fixed time. Reports the live heap (after a forced GC) against the baseline before the bridge
 *       started: the bridge's share must not grow with the number of tasks in flight.</li>
 * </ul>
 *
 * <p>Settings are system properties (defaults in brackets):
 * <ul>
 *   <li>{@code bench.scenario} [all]: throughput, memory or all;</li>
 *   <li>{@code bench.tasks} [20000]: tasks of the throughput scenario; {@code bench.timeout.seconds} [240] bounds it;
 *       {@code bench.finish-after.ms} [0]: when each task finishes, from its creation;</li>
 *   <li>{@code bench.backlogs} [5000,50000]: tasks in flight, one memory run each, of {@code bench.memory.seconds}
 *       [40], with a forced GC every {@code bench.memory.gc-every.seconds} [5];</li>
 *   <li>{@code bench.rate} [50], {@code bench.batch} [50], {@code bench.interval} [1s]: the bridge's
 *       dreamina.api.max-requests-per-second, dreamina.poll.batch-size and dreamina.poll.interval;</li>
 *   <li>{@code bench.api.limit} [60], {@code bench.api.latency.ms} [0]: the simulator's rate limit and added
 *       latency per request;</li>
 *   <li>{@code bench.input.partitions} [3], {@code bench.pending.partitions} [6];</li>
 *   <li>{@code bench.profile} [true]: step times from Camel events and stack sampling of the bridge's threads;</li>
 *   <li>{@code bench.output-log} [WARN]: level of the dreamina.bridge.output logger (INFO logs one line per task);</li>
 *   <li>{@code bench.bridge.KEY=VALUE}: any other property for the bridge, for experiments, e.g.
 *       {@code -Dbench.bridge.camel.component.kafka.linger-ms=0};</li>
 *   <li>{@code bench.dump-threads} [false]: print every thread once, after the produce.</li>
 * </ul>
 * Run it with {@code mvn -q -Pbench test-compile exec:exec [-Dbench.scenario=throughput] [-Dbench.tasks=N]} from the
 * project directory (the pom's bench profile passes the main settings on; others through
 * {@code -Dbench.jvm.args="-Dbench.x=y ..."}). The heap limit ({@code -Xmx}, profile property {@code bench.heap})
 * is the whole JVM's: broker, simulator, bridge and benchmark.
 */
public final class BridgeBenchmark {

    private static final String TOKEN = "bench-token-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MB = 1024 * 1024;

    private BridgeBenchmark() {
    }

    // ------------------------------------------------------------------------------------------------ settings

    /** Every knob, from {@code bench.*} system properties, with its default. */
    record Settings(
            String scenario,
            int tasks,
            List<Integer> backlogs,
            Duration timeout,
            Duration memoryDuration,
            Duration gcEvery,
            int apiLimit,
            Duration apiLatency,
            int clientRate,
            int batchSize,
            String pollInterval,
            Duration finishAfter,
            int inputPartitions,
            int pendingPartitions,
            boolean profile,
            Level outputLogLevel,
            Map<String, String> bridgeExtra) {

        static Settings fromSystemProperties() {
            Map<String, String> extra = new TreeMap<>();
            // -Dbench.bridge.<key>=<value>: any other bridge or camel property, e.g.
            // -Dbench.bridge.camel.component.kafka.linger-ms=0
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("bench.bridge."))
                    .forEach(name -> extra.put(name.substring("bench.bridge.".length()), System.getProperty(name)));
            return new Settings(
                    text("bench.scenario", "all").toLowerCase(Locale.ROOT),
                    integer("bench.tasks", 20_000),
                    Arrays.stream(text("bench.backlogs", "5000,50000").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt)
                            .collect(Collectors.toList()),
                    Duration.ofSeconds(integer("bench.timeout.seconds", 240)),
                    Duration.ofSeconds(integer("bench.memory.seconds", 40)),
                    Duration.ofSeconds(integer("bench.memory.gc-every.seconds", 5)),
                    integer("bench.api.limit", TasksApiSimulator.DEFAULT_MAX_REQUESTS_PER_SECOND),
                    Duration.ofMillis(integer("bench.api.latency.ms", 0)),
                    integer("bench.rate", 50),
                    integer("bench.batch", 50),
                    text("bench.interval", "1s"),
                    Duration.ofMillis(integer("bench.finish-after.ms", 0)),
                    integer("bench.input.partitions", 3),
                    integer("bench.pending.partitions", 6),
                    Boolean.parseBoolean(text("bench.profile", "true")),
                    Level.toLevel(text("bench.output-log", "WARN"), Level.WARN),
                    extra);
        }

        private static String text(String name, String fallback) {
            String value = System.getProperty(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        private static int integer(String name, int fallback) {
            return Integer.parseInt(text(name, String.valueOf(fallback)).replace("_", ""));
        }

        boolean runs(String name) {
            return scenario.equals("all") || scenario.equals(name);
        }
    }

    // ------------------------------------------------------------------------------------------------ main

    public static void main(String[] args) {
        int status = 0;
        try {
            run(Settings.fromSystemProperties());
        } catch (Throwable failure) {
            System.out.flush();
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            status = 1;
        }
        System.out.flush();
        // Kafka and Camel leave non-daemon threads behind (and a failed run may leave a bridge running): the
        // benchmark is over either way.
        System.exit(status);
    }

    private static void run(Settings s) throws Exception {
        // One INFO line per published task (publish-video's log step) would drown the report; WARN by default.
        Configurator.setLevel("dreamina.bridge.output", s.outputLogLevel());

        Runtime rt = Runtime.getRuntime();
        System.out.println("dreamina-bridge benchmark");
        System.out.println("=========================");
        System.out.printf("machine     : %d cores (availableProcessors), Java %s, max heap %d MB, GC %s%n",
                rt.availableProcessors(), System.getProperty("java.version"), rt.maxMemory() / MB,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(" + ")));
        System.out.println("in this JVM : embedded Kafka broker (KRaft, 1 node), Tasks API simulator, the bridge, "
                + "the benchmark's producer and consumers");
        System.out.printf("API         : simulator limit %d req/s (sliding 1 s window, 429 above it), added latency %d ms%n",
                s.apiLimit(), s.apiLatency().toMillis());
        System.out.printf("bridge      : dreamina.poll.interval=%s, dreamina.poll.batch-size=%d, "
                        + "dreamina.api.max-requests-per-second=%d, input partitions %d, pending partitions %d%s%n",
                s.pollInterval(), s.batchSize(), s.clientRate(), s.inputPartitions(), s.pendingPartitions(),
                s.bridgeExtra().isEmpty() ? "" : ", extra " + s.bridgeExtra());
        System.out.printf("ceiling     : %d requests/s x %d ids per batch = %,d task polls/s%n",
                s.clientRate(), s.batchSize(), s.clientRate() * s.batchSize());
        System.out.println();

        List<String> readmeRows = new ArrayList<>();
        readmeRows.add(row("machine", "cores / max heap (whole JVM)", rt.availableProcessors() + " / "
                + rt.maxMemory() / MB + " MB"));
        readmeRows.add(row("ceiling", s.clientRate() + " requests/s x " + s.batchSize() + " ids per batch",
                String.format(Locale.ROOT, "%,d task polls/s", s.clientRate() * s.batchSize())));
        long started = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            System.out.printf("broker      : %s (started in %.1f s)%n%n", kafka.bootstrapServers(),
                    (System.nanoTime() - started) / 1e9);
            if (s.runs("throughput")) {
                readmeRows.addAll(throughput(s, kafka, client));
            }
            if (s.runs("memory")) {
                for (int backlog : s.backlogs()) {
                    readmeRows.addAll(memory(s, kafka, client, backlog));
                }
            }
        }
        System.out.println("README rows");
        System.out.println("-----------");
        System.out.println("| scenario | figure | value |");
        System.out.println("| --- | --- | --- |");
        readmeRows.forEach(System.out::println);
        System.out.printf("%ntotal wall time %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    // ------------------------------------------------------------------------------------------------ throughput

    private static List<String> throughput(Settings s, EmbeddedKafka kafka, KafkaTestClient client) throws Exception {
        int n = s.tasks();
        String prefix = KafkaTestClient.uniqueName("bench-tp");
        Topics t = new Topics(prefix);
        System.out.printf("Scenario: throughput  (%,d tasks, %s after creation, ids produced as fast as possible)%n",
                n, s.finishAfter().isZero() ? "already finished" : "finished " + s.finishAfter().toMillis() + " ms");
        System.out.println("--------------------");

        List<String> rows = new ArrayList<>();
        try (TasksApiSimulator api = new TasksApiSimulator(TOKEN).maxRequestsPerSecond(s.apiLimit())
                .latency(s.apiLatency()).start()) {
            String[] ids = new String[n];
            Map<String, Integer> index = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                SimulatedTask task = api.createTask(TaskScript.done(s.finishAfter()));
                ids[i] = task.id();
                index.put(ids[i], i);
            }
            client.createTopic(t.in, s.inputPartitions());
            client.createTopic(t.out, 3);
            client.createTopic(t.dlq, 1);
            long liveBefore = liveHeapAfterGc();

            long bridgeStart = System.nanoTime();
            StepTimer steps = new StepTimer();
            ThreadSampler sampler = new ThreadSampler(t);
            Bridge bridge = Bridge.start(bridgeSettings(s, kafka, api, t), s.profile() ? steps : null);
            double bridgeStartSeconds = (System.nanoTime() - bridgeStart) / 1e9;
            System.out.printf("bridge started in %.1f s; live heap before the bridge %d MB%n", bridgeStartSeconds,
                    liveBefore / MB);

            OutputCounter output = new OutputCounter(kafka.bootstrapServers(), t.out, index);
            output.start();
            if (s.profile()) {
                sampler.start();
            }
            Timeline timeline = new Timeline(client, api, t, output::count, n);
            timeline.start();

            // Produce every id as fast as the producer goes; the record timestamp (CreateTime) is the start of
            // each task's latency.
            AtomicLongArray inputTimestamps = new AtomicLongArray(n);
            LongAdder produceErrors = new LongAdder();
            long produceStart;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka, "bench-input"),
                    new StringSerializer(), new StringSerializer())) {
                awaitLeaders(producer, t.in);
                produceStart = System.nanoTime();
                timeline.markStart(produceStart);
                for (int i = 0; i < n; i++) {
                    int at = i;
                    producer.send(new ProducerRecord<>(t.in, ids[i], ids[i]), (metadata, error) -> {
                        if (error != null) {
                            produceErrors.increment();
                        } else {
                            inputTimestamps.set(at, metadata.timestamp());
                        }
                    });
                }
                producer.flush();
            }
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            if (Boolean.getBoolean("bench.dump-threads")) {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 3)) {
                    if (info != null) {
                        System.out.println("thread " + info.getThreadId() + " " + info.getThreadName() + " "
                                + Arrays.toString(info.getStackTrace()));
                    }
                }
            }
            System.out.printf("produced %,d ids in %.2f s (%,.0f records/s), %d errors%n", n, produceSeconds,
                    n / produceSeconds, produceErrors.sum());
            System.out.println();
            System.out.println("   t(s)  ingested(committed)  pending-records  output   API req (429)  heap used/after-GC MB");

            long deadline = produceStart + s.timeout().toNanos();
            while (output.count() < n && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            boolean complete = output.count() >= n;
            long endNanos = complete ? output.lastNewNanos() : System.nanoTime();
            Thread.sleep(1_100); // one more timeline sample after the end
            timeline.stop();
            sampler.stop();
            // A moment for duplicates, if any, to show up.
            Thread.sleep(500);
            output.stop();

            long liveAtEnd = liveHeapAfterGc();
            int schedulersRunning = threadsNamed("pending-task-scheduler");
            long bridgeStop = System.nanoTime();
            bridge.close();
            double bridgeStopSeconds = (System.nanoTime() - bridgeStop) / 1e9;
            Thread.sleep(1_000);
            int schedulersAfterStop = threadsNamed("pending-task-scheduler");

            // ---------------------------------------------------------------- figures
            double e2eSeconds = (endNanos - produceStart) / 1e9;
            int done = (int) output.count();
            double tasksPerSecond = done / e2eSeconds;
            long[] latencies = output.latencies(inputTimestamps);
            Arrays.sort(latencies);
            List<Long> arrivals = api.requestTimestampsNanos().stream().filter(ts -> ts >= produceStart)
                    .collect(Collectors.toList());
            int busiestSecond = maxInWindow(arrivals, TimeUnit.SECONDS.toNanos(1));
            long requests = api.requestCount();
            long batchRequests = api.requestCount("retrieve_batch");
            long singleRequests = api.requestCount("retrieve");
            double apiSpan = arrivals.size() < 2 ? 0
                    : (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e9;
            IdsPerRequest idsPerRequest = IdsPerRequest.of(api.lastRequestBodies());
            double ingestSeconds = timeline.secondsUntilIngested(n);
            long dlq = client.endOffsets(t.dlq).values().stream().mapToLong(Long::longValue).sum();
            long pendingWrites = client.endOffsets(t.pending).values().stream().mapToLong(Long::longValue).sum();

            System.out.println();
            System.out.printf("result            : %s: %,d of %,d tasks on the output topic (%d duplicates, %d dead letters)%n",
                    complete ? "COMPLETE" : "TIMED OUT after " + s.timeout().toSeconds() + " s", done, n,
                    output.duplicates(), dlq);
            System.out.printf("produce           : %,d ids in %.2f s (%,.0f records/s)%n", n, produceSeconds,
                    n / produceSeconds);
            System.out.printf("ingest            : %s%n", ingestSeconds < 0
                    ? "not finished within the run (" + timeline.lastIngested() + " committed)"
                    : String.format(Locale.ROOT, "all %,d committed on the input after %.1f s (%,.0f records/s)",
                            n, ingestSeconds, n / ingestSeconds));
            System.out.printf("end to end        : %,d tasks in %.1f s from the first produce to the last output = %,.0f tasks/s%n",
                    done, e2eSeconds, tasksPerSecond);
            System.out.printf("                    (%.1f%% of the %,d task polls/s ceiling)%n",
                    100.0 * tasksPerSecond / (s.clientRate() * s.batchSize()), s.clientRate() * s.batchSize());
            System.out.printf("latency           : produce -> output record, ms: min %,d  p50 %,d  p95 %,d  p99 %,d  "
                            + "max %,d  (n=%,d)%n", latencies.length == 0 ? -1 : latencies[0],
                    percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                    latencies.length == 0 ? -1 : latencies[latencies.length - 1], latencies.length);
            System.out.printf("API               : %,d requests (%,d retrieve_batch, %,d retrieve), %d answered 429%n",
                    requests, batchRequests, singleRequests, api.rateLimitedCount());
            System.out.printf("                    busiest 1 s window: %d requests at the simulator, %s as sent by the bridge "
                            + "(client limit %d, API limit %d)%n", busiestSecond,
                    s.profile() ? String.valueOf(steps.busiestSecondSent(produceStart)) : "?", s.clientRate(),
                    s.apiLimit());
            System.out.printf("                    mean %.1f req/s over %.1f s of API traffic%n",
                    apiSpan == 0 ? 0 : arrivals.size() / apiSpan, apiSpan);
            if (s.profile()) {
                System.out.println("                    " + steps.sendGaps(produceStart, 1_000_000_000L / s.clientRate()));
            }
            System.out.printf("                    ids per retrieve_batch (last %d requests): mean %.1f, min %d, max %d%n",
                    idsPerRequest.requests, idsPerRequest.mean(), idsPerRequest.min, idsPerRequest.max);
            System.out.printf("pending topic     : %,d records written%n", pendingWrites);
            System.out.printf("heap              : live before the bridge %d MB, max used %d MB, max after-GC %d MB, "
                            + "live at the end (forced GC) %d MB%n", liveBefore / MB, timeline.maxUsed() / MB,
                    timeline.maxAfterGc() / MB, liveAtEnd / MB);
            System.out.printf("bridge            : start %.1f s, stop %.1f s; JVM threads (max) %d; "
                            + "pending-task-scheduler threads: %d while running, %d alive 1 s after the stop%n",
                    bridgeStartSeconds, bridgeStopSeconds, timeline.maxThreads(), schedulersRunning,
                    schedulersAfterStop);
            System.out.printf("checks            : 429s = 0 %s; busiest second at the simulator <= %d %s; all tasks out %s%n",
                    api.rateLimitedCount() == 0 ? "OK" : "FAILED", s.clientRate(),
                    busiestSecond <= s.clientRate() ? "OK" : "FAILED", complete ? "OK" : "FAILED");
            if (s.profile()) {
                steps.print();
                sampler.print();
            }
            System.out.println();

            String sc = "throughput (" + String.format(Locale.ROOT, "%,d", n) + " finished tasks)";
            rows.add(row(sc, "produce the ids", String.format(Locale.ROOT, "%.2f s (%,.0f records/s)",
                    produceSeconds, n / produceSeconds)));
            if (ingestSeconds > 0) {
                rows.add(row(sc, "ingest (input -> pending, committed)", String.format(Locale.ROOT,
                        "%.1f s (%,.0f records/s)", ingestSeconds, n / ingestSeconds)));
            }
            rows.add(row(sc, "end to end", String.format(Locale.ROOT, "%,d tasks in %.1f s = %,.0f tasks/s%s", done,
                    e2eSeconds, tasksPerSecond, complete ? "" : " (timed out)")));
            rows.add(row(sc, "latency p50 / p95 / p99 / max", String.format(Locale.ROOT, "%,d / %,d / %,d / %,d ms",
                    percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                    latencies.length == 0 ? -1 : latencies[latencies.length - 1])));
            rows.add(row(sc, "API requests / 429s", String.format(Locale.ROOT, "%,d / %d", requests,
                    api.rateLimitedCount())));
            rows.add(row(sc, "busiest 1 s window", busiestSecond + " requests (limit " + s.clientRate() + ")"));
            rows.add(row(sc, "ids per request (mean)", String.format(Locale.ROOT, "%.1f", idsPerRequest.mean())));
            rows.add(row(sc, "heap: live before / max after-GC / live at end", String.format(Locale.ROOT,
                    "%d / %d / %d MB", liveBefore / MB, timeline.maxAfterGc() / MB, liveAtEnd / MB)));
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ memory

    private static List<String> memory(Settings s, EmbeddedKafka kafka, KafkaTestClient client, int backlog)
            throws Exception {
        String prefix = KafkaTestClient.uniqueName("bench-mem");
        Topics t = new Topics(prefix);
        System.out.printf("Scenario: memory  (%,d never-finishing tasks in flight, %d s)%n", backlog,
                s.memoryDuration().toSeconds());
        System.out.println("----------------");
        List<String> rows = new ArrayList<>();
        try (TasksApiSimulator api = new TasksApiSimulator(TOKEN).maxRequestsPerSecond(s.apiLimit())
                .latency(s.apiLatency()).start()) {
            client.createTopic(t.in, s.inputPartitions());
            client.createTopic(t.out, 3);
            client.createTopic(t.dlq, 1);
            client.createTopic(t.pending, s.pendingPartitions());
            // The tasks in flight, as the ingest route leaves them on the pending topic: key and value the task
            // id, its scheduling headers, due now. (Producing them through the input topic would take the ingest
            // route's time, which the throughput scenario measures.)
            long seedStart = System.nanoTime();
            LongAdder seedErrors = new LongAdder();
            Map<String, Object> seedConfig = producerConfig(kafka, "bench-seed");
            seedConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // order even after a retry
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(seedConfig,
                    new StringSerializer(), new ByteArraySerializer())) {
                awaitLeaders(producer, t.pending);
                long now = System.currentTimeMillis();
                for (int i = 0; i < backlog; i++) {
                    String id = api.createTask(TaskScript.never()).id();
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(t.pending, id,
                            id.getBytes(StandardCharsets.UTF_8));
                    header(record, BridgeHeaders.ORIGIN_TOPIC, t.in);
                    header(record, BridgeHeaders.ORIGIN_PARTITION, "0");
                    header(record, BridgeHeaders.ORIGIN_OFFSET, String.valueOf(i));
                    header(record, BridgeHeaders.TASK_ID, id);
                    header(record, BridgeHeaders.PENDING_DUE, String.valueOf(now));
                    header(record, BridgeHeaders.PENDING_DEADLINE, String.valueOf(now + TimeUnit.HOURS.toMillis(1)));
                    header(record, BridgeHeaders.PENDING_POLLS, "0");
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            seedErrors.increment();
                        }
                    });
                }
                producer.flush();
            }
            System.out.printf("seeded %,d pending tasks in %.1f s, %d errors%n", backlog,
                    (System.nanoTime() - seedStart) / 1e9, seedErrors.sum());
            long liveBefore = liveHeapAfterGc();
            StepTimer steps = new StepTimer();
            ThreadSampler sampler = new ThreadSampler(t);
            Bridge bridge = Bridge.start(bridgeSettings(s, kafka, api, t), s.profile() ? steps : null);
            long start = System.nanoTime();
            if (s.profile()) {
                sampler.start();
            }
            long requestsAtStart = api.requestCount();
            System.out.printf("live heap before the bridge %d MB (broker + simulator with %,d tasks + benchmark)%n",
                    liveBefore / MB, backlog);
            System.out.println("   t(s)  API req/s  task polls  pending lag  live heap MB  (bridge share MB)");

            long maxLive = 0;
            long lastLive = 0;
            List<Long> lives = new ArrayList<>();
            long end = start + s.memoryDuration().toNanos();
            long nextGc = start + s.gcEvery().toNanos();
            long lastRequests = requestsAtStart;
            long lastSample = start;
            IdsPerRequest ids = IdsPerRequest.of(List.of());
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(nextGc, end) - System.nanoTime())));
                long live = liveHeapAfterGc();
                lives.add(live);
                maxLive = Math.max(maxLive, live);
                lastLive = live;
                long nowNanos = System.nanoTime();
                long req = api.requestCount();
                ids = IdsPerRequest.of(api.lastRequestBodies());
                long lag = safeLag(client, t.group + ".pending", t.pending);
                System.out.printf("%7.0f  %9.1f  %10s  %11s  %12d  (%+d)%n", (nowNanos - start) / 1e9,
                        (req - lastRequests) / ((nowNanos - lastSample) / 1e9),
                        String.format(Locale.ROOT, "%,d", Math.round((req - requestsAtStart) * ids.mean())),
                        lag < 0 ? "?" : String.format(Locale.ROOT, "%,d", lag), live / MB,
                        (live - liveBefore) / MB);
                lastRequests = req;
                lastSample = nowNanos;
                nextGc = nowNanos + s.gcEvery().toNanos();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long requests = api.requestCount() - requestsAtStart;
            List<Long> arrivals = api.requestTimestampsNanos().stream().filter(ts -> ts >= start)
                    .collect(Collectors.toList());
            int busiest = maxInWindow(arrivals, TimeUnit.SECONDS.toNanos(1));
            long pendingWrites = client.endOffsets(t.pending).values().stream().mapToLong(Long::longValue).sum()
                    - backlog;
            int schedulersRunning = threadsNamed("pending-task-scheduler");
            sampler.stop();
            bridge.close();
            Thread.sleep(1_000);
            int schedulersAfterStop = threadsNamed("pending-task-scheduler");

            double pollsPerSecond = requests * ids.mean() / seconds;
            System.out.println();
            System.out.printf("result            : %,d tasks in flight for %.0f s: %,d requests (%.1f/s), %d answered 429%n",
                    backlog, seconds, requests, requests / seconds, api.rateLimitedCount());
            System.out.printf("                    busiest 1 s window: %d requests at the simulator, %s as sent by the bridge "
                    + "(client limit %d)%n", busiest, s.profile() ? String.valueOf(steps.busiestSecondSent(start)) : "?",
                    s.clientRate());
            if (s.profile()) {
                System.out.println("                    " + steps.sendGaps(start, 1_000_000_000L / s.clientRate()));
            }
            System.out.printf("polling           : %.1f ids per request -> %,.0f task polls/s (ceiling %,d); "
                    + "%,d records re-written to the pending topic%n", ids.mean(), pollsPerSecond,
                    s.clientRate() * s.batchSize(), pendingWrites);
            System.out.printf("heap (forced GC)  : before the bridge %d MB; with it: max %d MB, last %d MB -> "
                    + "bridge share max %d MB%n", liveBefore / MB, maxLive / MB, lastLive / MB,
                    (maxLive - liveBefore) / MB);
            System.out.printf("bridge            : pending-task-scheduler threads: %d while running, %d alive 1 s after "
                    + "the stop%n", schedulersRunning, schedulersAfterStop);
            if (s.profile()) {
                steps.print();
                sampler.print();
            }
            System.out.println();
            String sc = String.format(Locale.ROOT, "memory (%,d in flight, %d s)", backlog, Math.round(seconds));
            rows.add(row(sc, "live heap before bridge / max with bridge / bridge share", String.format(Locale.ROOT,
                    "%d / %d / %d MB", liveBefore / MB, maxLive / MB, (maxLive - liveBefore) / MB)));
            rows.add(row(sc, "task polls/s (requests/s x ids per request)", String.format(Locale.ROOT,
                    "%,.0f (%.1f x %.1f); 429s %d; busiest 1 s window %d", pollsPerSecond, requests / seconds, ids.mean(),
                    api.rateLimitedCount(), busiest)));
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * One bridge in this JVM, built exactly as the jar builds it ({@code DreaminaBridgeApplication.newMain()}, as
     * the tests' {@code BridgeInstance} does), with override properties, and optionally a {@link StepTimer}
     * registered before the context starts.
     */
    private static final class Bridge implements AutoCloseable {
        private final Main main;

        private Bridge(Main main) {
            this.main = main;
        }

        static Bridge start(Map<String, String> overrides, StepTimer timer) throws Exception {
            Main main = DreaminaBridgeApplication.newMain();
            overrides.forEach(main::addOverrideProperty);
            if (timer != null) {
                main.addMainListener(new MainListenerSupport() {
                    @Override
                    public void afterConfigure(BaseMainSupport configured) {
                        configured.getCamelContext().getManagementStrategy().addEventNotifier(timer);
                    }
                });
            }
            main.start();
            return new Bridge(main);
        }

        @Override
        public void close() throws Exception {
            main.stop();
        }
    }

    /**
     * Times the bridge's steps from Camel's own events: every send to an endpoint (ExchangeSent: the Kafka
     * producers, the HTTP call, the direct: sub-routes) and every completed ingest exchange (from the input
     * record's arrival in the route to the end of its offset commit). Millisecond resolution (Camel's).
     */
    private static final class StepTimer extends EventNotifierSupport {
        private static final int MAX_SENDS = 200_000;
        private final Map<String, long[]> stats = new ConcurrentHashMap<>(); // count, total ms, max ms
        /** When each HTTP request left the bridge (ExchangeSending to the http endpoint), System.nanoTime(). */
        private final List<Long> httpSends = new ArrayList<>();

        StepTimer() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeFailedEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
            // Sending events stay on: Camel times a send (ExchangeSent) only when they are enabled.
            setIgnoreStepEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
                if (sending.getEndpoint().getEndpointUri().startsWith("http")) {
                    long now = System.nanoTime();
                    synchronized (httpSends) {
                        if (httpSends.size() < MAX_SENDS) {
                            httpSends.add(now);
                        }
                    }
                }
            } else if (event instanceof CamelEvent.ExchangeSentEvent sent) {
                String uri = sent.getEndpoint().getEndpointUri();
                int query = uri.indexOf('?');
                record("send to " + (query < 0 ? uri : uri.substring(0, query)), sent.getTimeTaken());
            } else if (event instanceof CamelEvent.ExchangeCompletedEvent completed) {
                Exchange exchange = completed.getExchange();
                if ("ingest-tasks".equals(exchange.getFromRouteId())) {
                    record("route ingest-tasks, one input record end to end", exchange.getClock().elapsed());
                }
            }
        }

        private void record(String key, long millis) {
            long[] values = stats.computeIfAbsent(key, k -> new long[3]);
            synchronized (values) {
                values[0]++;
                values[1] += millis;
                values[2] = Math.max(values[2], millis);
            }
        }

        /** The most HTTP requests the bridge sent within any one second, by its own clock, from {@code from} on. */
        int busiestSecondSent(long from) {
            List<Long> sends;
            synchronized (httpSends) {
                sends = httpSends.stream().filter(ts -> ts >= from).sorted().collect(Collectors.toList());
            }
            return maxInWindow(sends, TimeUnit.SECONDS.toNanos(1));
        }

        /**
         * Gaps between consecutive HTTP requests as sent: the limiter grants one every {@code periodNanos} at best, so
         * a shorter gap is the jitter between the grant and the send (thread wake-up, GC, CPU contention).
         */
        String sendGaps(long from, long periodNanos) {
            List<Long> sends;
            synchronized (httpSends) {
                sends = httpSends.stream().filter(ts -> ts >= from).sorted().collect(Collectors.toList());
            }
            if (sends.size() < 2) {
                return "no gaps";
            }
            long[] gaps = new long[sends.size() - 1];
            for (int i = 1; i < sends.size(); i++) {
                gaps[i - 1] = sends.get(i) - sends.get(i - 1);
            }
            Arrays.sort(gaps);
            long shortByOneMs = Arrays.stream(gaps).filter(gap -> gap < periodNanos - 1_000_000).count();
            return String.format(Locale.ROOT,
                    "gaps between requests sent: min %.1f ms, p1 %.1f ms, p5 %.1f ms, median %.1f ms; %d of %d "
                            + "more than 1 ms under the limiter's %.1f ms", gaps[0] / 1e6,
                    percentile(gaps, 1) / 1e6, percentile(gaps, 5) / 1e6, percentile(gaps, 50) / 1e6, shortByOneMs,
                    gaps.length, periodNanos / 1e6);
        }

        void print() {
            System.out.println("step times (Camel events, ms resolution):");
            System.out.printf("  %10s  %9s  %8s  %s%n", "count", "mean ms", "max ms", "step");
            new TreeMap<>(stats).forEach((key, values) -> {
                synchronized (values) {
                    System.out.printf("  %,10d  %9.2f  %,8d  %s%n", values[0],
                            values[0] == 0 ? 0 : (double) values[1] / values[0], values[2], key);
                }
            });
        }
    }

    private record Topics(String prefix, String in, String out, String dlq, String pending, String group) {
        Topics(String prefix) {
            this(prefix, prefix + ".in", prefix + ".out", prefix + ".dlq", prefix + ".pending", prefix + ".group");
        }
    }

    private static Map<String, String> bridgeSettings(Settings s, EmbeddedKafka kafka, TasksApiSimulator api,
                                                      Topics t) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        settings.put("dreamina.api.base-url", api.baseUrl());
        settings.put("dreamina.api.token", TOKEN);
        settings.put("dreamina.topic.input", t.in);
        settings.put("dreamina.topic.output", t.out);
        settings.put("dreamina.topic.dead-letter", t.dlq);
        settings.put("dreamina.topic.pending", t.pending);
        settings.put("dreamina.topic.pending.partitions", String.valueOf(s.pendingPartitions()));
        settings.put("dreamina.consumer.group", t.group);
        settings.put("dreamina.poll.interval", s.pollInterval());
        settings.put("dreamina.poll.batch-size", String.valueOf(s.batchSize()));
        settings.put("dreamina.api.max-requests-per-second", String.valueOf(s.clientRate()));
        // Long enough that no task of the benchmark is dead-lettered as poll_timeout.
        settings.put("dreamina.poll.max-wait", "1h");
        settings.putAll(s.bridgeExtra());
        return settings;
    }

    private static Map<String, Object> producerConfig(EmbeddedKafka kafka, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return config;
    }

    /**
     * Waits until every partition of a freshly created topic has a leader in the producer's metadata. Producing at
     * once can meet NOT_LEADER_OR_FOLLOWER on the first batch while later ones succeed, after which the idempotent
     * producer retries that batch with an out-of-order sequence until its delivery timeout (seen here: 120 s).
     */
    private static void awaitLeaders(KafkaProducer<?, ?> producer, String topic) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (producer.partitionsFor(topic).stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                Thread.sleep(200); // the leader in the metadata is known a moment before it takes writes
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader for every partition of " + topic + " within 30 s");
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String row(String scenario, String figure, String value) {
        return "| " + scenario + " | " + figure + " | " + value + " |";
    }

    private static long safeLag(KafkaTestClient client, String group, String topic) {
        try {
            return client.lag(group, topic);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Live threads of that exact name. */
    static int threadsNamed(String name) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals(name)).count();
    }

    /** Heap in use after two forced full collections: the live set. */
    static long liveHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Sum over the heap pools of their usage after the last collection (no GC forced). */
    static long heapAfterLastGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage usage = pool.getCollectionUsage();
                if (usage != null) {
                    sum += usage.getUsed();
                }
            }
        }
        return sum;
    }

    /** The most timestamps (sorted, nanoseconds) within any window of {@code window} nanoseconds. */
    static int maxInWindow(List<Long> sortedNanos, long window) {
        int best = 0;
        int from = 0;
        for (int to = 0; to < sortedNanos.size(); to++) {
            while (sortedNanos.get(to) - sortedNanos.get(from) >= window) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** How many ids the last retrieve_batch requests carried (the simulator keeps the last 1,000 bodies). */
    record IdsPerRequest(int requests, long total, int min, int max) {
        static IdsPerRequest of(List<String> bodies) {
            int requests = 0;
            long total = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (String body : bodies) {
                try {
                    JsonNode node = JSON.readTree(body);
                    if ("retrieve_batch".equals(node.path("action").asText())) {
                        int size = node.path("ids").size();
                        requests++;
                        total += size;
                        min = Math.min(min, size);
                        max = Math.max(max, size);
                    }
                } catch (Exception ignored) {
                    // not JSON: not a batch
                }
            }
            return new IdsPerRequest(requests, total, requests == 0 ? 0 : min, max);
        }

        double mean() {
            return requests == 0 ? 0 : (double) total / requests;
        }
    }

    // ------------------------------------------------------------------------------------------------ output counter

    /** Reads the output topic from the beginning (no group) and notes each task's output record timestamp. */
    private static final class OutputCounter implements Runnable {
        private final String bootstrap;
        private final String topic;
        private final Map<String, Integer> index;
        private final long[] outputTimestamps;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private volatile long lastNewNanos;
        private volatile boolean running = true;
        private Thread thread;

        OutputCounter(String bootstrap, String topic, Map<String, Integer> index) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.index = index;
            this.outputTimestamps = new long[index.size()];
        }

        void start() {
            thread = new Thread(this, "bench-output-counter");
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        long duplicates() {
            return duplicates.get();
        }

        long lastNewNanos() {
            return lastNewNanos;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        @Override
        public void run() {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Set<Integer> seen = new HashSet<>();
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        Integer at = record.key() == null ? null : index.get(record.key());
                        if (at == null || !seen.add(at)) {
                            duplicates.incrementAndGet();
                            continue;
                        }
                        synchronized (outputTimestamps) {
                            outputTimestamps[at] = record.timestamp();
                        }
                        lastNewNanos = System.nanoTime();
                        count.incrementAndGet();
                    }
                }
            }
        }

        /** Output minus input record timestamp, in ms, for every task seen on both sides. */
        long[] latencies(AtomicLongArray inputTimestamps) {
            List<Long> values = new ArrayList<>();
            synchronized (outputTimestamps) {
                for (int i = 0; i < outputTimestamps.length; i++) {
                    long in = inputTimestamps.get(i);
                    if (outputTimestamps[i] != 0 && in != 0) {
                        values.add(outputTimestamps[i] - in);
                    }
                }
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }

    // ------------------------------------------------------------------------------------------------ timeline

    /** One sample a second: ingest progress, pending writes, outputs, API requests, heap; printed every 10 s. */
    private static final class Timeline implements Runnable {
        private final KafkaTestClient client;
        private final TasksApiSimulator api;
        private final Topics topics;
        private final java.util.function.LongSupplier outputs;
        private final int expected;
        private final List<long[]> samples = new ArrayList<>(); // t nanos, committed, pendingEnd, outputs
        private volatile long startNanos;
        private volatile boolean running = true;
        private volatile long maxUsed;
        private volatile long maxAfterGc;
        private volatile int maxThreads;
        private Thread thread;

        Timeline(KafkaTestClient client, TasksApiSimulator api, Topics topics,
                 java.util.function.LongSupplier outputs, int expected) {
            this.client = client;
            this.api = api;
            this.topics = topics;
            this.outputs = outputs;
            this.expected = expected;
        }

        void start() {
            thread = new Thread(this, "bench-timeline");
            thread.setDaemon(true);
            thread.start();
        }

        void markStart(long nanos) {
            startNanos = nanos;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        @Override
        public void run() {
            int tick = 0;
            while (running) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
                if (startNanos == 0) {
                    continue;
                }
                long now = System.nanoTime();
                long committed = safe(() -> client.committedOffset(topics.group, topics.in));
                long pendingEnd = safe(() -> client.endOffsets(topics.pending).values().stream()
                        .mapToLong(Long::longValue).sum());
                long out = outputs.getAsLong();
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long afterGc = heapAfterLastGc();
                maxUsed = Math.max(maxUsed, used);
                maxAfterGc = Math.max(maxAfterGc, afterGc);
                maxThreads = Math.max(maxThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                synchronized (samples) {
                    samples.add(new long[] {now, committed, pendingEnd, out});
                }
                tick++;
                if (tick % 10 == 0 || out >= expected) {
                    System.out.printf("%7.0f  %19s  %15s  %6s  %7s (%d)  %5d / %d%n", (now - startNanos) / 1e9,
                            String.format(Locale.ROOT, "%,d", committed), String.format(Locale.ROOT, "%,d", pendingEnd),
                            String.format(Locale.ROOT, "%,d", out),
                            String.format(Locale.ROOT, "%,d", api.requestCount()), api.rateLimitedCount(),
                            used / MB, afterGc / MB);
                    if (out >= expected) {
                        tick = -1_000_000; // print the final line once
                    }
                }
            }
        }

        private static long safe(java.util.function.LongSupplier supplier) {
            try {
                return supplier.getAsLong();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /** Seconds from the first produce to the first sample with every input record committed; -1 if never. */
        double secondsUntilIngested(long n) {
            synchronized (samples) {
                for (long[] sample : samples) {
                    if (sample[1] >= n) {
                        return (sample[0] - startNanos) / 1e9;
                    }
                }
            }
            return -1;
        }

        long lastIngested() {
            synchronized (samples) {
                return samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1];
            }
        }

        long maxUsed() {
            return maxUsed;
        }

        long maxAfterGc() {
            return maxAfterGc;
        }

        int maxThreads() {
            return maxThreads;
        }
    }

    // ------------------------------------------------------------------------------------------------ profiler

    /**
     * A poor man's profiler: every 10 ms, the stacks of the ingest route's Kafka consumer thread and of the
     * pending-task scheduler thread, each classified by what it is waiting for. Says where the bridge's two
     * sequential loops spend their time.
     */
    private static final class ThreadSampler implements Runnable {
        /** Checked in this order against the whole stack; the first match names the sample. */
        private static final List<String[]> RULES = List.of(
                new String[] {"commitSync", "Kafka offset commit (commitSync)"},
                new String[] {"commitOffsetsSync", "Kafka offset commit (commitSync)"},
                new String[] {"ApiRateLimiter", "client-side rate limiter wait"},
                new String[] {"org.apache.hc.", "HTTP call to the Tasks API"},
                new String[] {"org.apache.camel.component.http.", "HTTP call to the Tasks API"},
                new String[] {"AsyncProcessorAwaitManager", "waiting for the route to complete (Kafka ack callbacks)"},
                new String[] {"org.apache.kafka.clients.producer.", "Kafka send"},
                new String[] {"org.apache.camel.component.kafka.KafkaProducer", "Kafka send"},
                new String[] {"MulticastProcessor", "split / multicast"},
                new String[] {"com.fasterxml.jackson", "JSON"},
                new String[] {"TaskIntake", "parsing the input (TaskIntake)"},
                new String[] {"org.apache.kafka.clients.consumer.KafkaConsumer.poll", "Kafka consumer poll (idle or fetching)"},
                new String[] {"sun.nio.ch.EPoll.wait", "network wait (selector)"});
        /**
         * For the Kafka producers' I/O threads and the Camel producers' worker pools, where a route continues once
         * a send is acknowledged.
         */
        private static final List<String[]> IO_RULES = List.of(
                new String[] {"commitSync", "Kafka offset commit (commitSync)"},
                new String[] {"commitOffsetsSync", "Kafka offset commit (commitSync)"},
                new String[] {"ThreadPoolExecutor.getTask", "idle (pool thread waiting for work)"},
                new String[] {"AsyncProcessorAwaitManager", "waiting for the route to complete (Kafka ack callbacks)"},
                new String[] {"org.apache.kafka.clients.producer.KafkaProducer.doSend", "inside KafkaProducer.send()"},
                new String[] {"org.apache.camel.", "Camel route continuing after the ack"},
                new String[] {"sun.nio.ch.EPoll.wait", "idle (selector wait)"},
                new String[] {"org.apache.kafka.clients.producer.internals.Sender", "Kafka producer I/O (busy)"});

        private final Topics topics;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();
        private final Map<String, Set<Long>> members = new ConcurrentHashMap<>();
        /** Threads that existed before the bridge: not the bridge's. */
        private final Set<Long> before = new HashSet<>();
        private final AtomicLong rounds = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        /** Create it before the bridge starts. */
        ThreadSampler(Topics topics) {
            this.topics = topics;
            for (long id : threads.getAllThreadIds()) {
                before.add(id);
            }
        }

        void start() {
            thread = new Thread(this, "bench-thread-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(5_000);
            }
        }

        @Override
        public void run() {
            Map<Long, String> watched = new HashMap<>();
            long nextRefresh = 0;
            while (running) {
                if (System.nanoTime() > nextRefresh) {
                    watched = findThreads();
                    nextRefresh = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                if (!watched.isEmpty()) {
                    rounds.incrementAndGet();
                    long[] ids = watched.keySet().stream().mapToLong(Long::longValue).toArray();
                    ThreadInfo[] infos = threads.getThreadInfo(ids, Integer.MAX_VALUE);
                    for (ThreadInfo info : infos) {
                        if (info == null) {
                            continue;
                        }
                        String group = watched.get(info.getThreadId());
                        members.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(info.getThreadId());
                        List<String[]> rules = group.startsWith("kafka producer") || group.startsWith("split")
                                ? IO_RULES : RULES;
                        counts.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                                .merge(classify(info.getStackTrace(), rules), 1, Integer::sum);
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private Map<Long, String> findThreads() {
            Map<Long, String> found = new HashMap<>();
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || before.contains(info.getThreadId())) {
                    continue;
                }
                String name = info.getThreadName();
                if (name.contains("KafkaConsumer[" + topics.in + "]")) {
                    found.put(info.getThreadId(), "ingest-tasks (input consumer thread)");
                } else if (name.equals("pending-task-scheduler")) {
                    found.put(info.getThreadId(), "pending-task-scheduler (poll loop)");
                } else if (name.startsWith("kafka-producer-network-thread") && !name.contains("bench-")) {
                    // The bridge's producers (one per topic it writes): one I/O thread each, where the routes
                    // continue after an acknowledged send.
                    found.put(info.getThreadId(), "kafka producer I/O thread " + name.substring(name.indexOf('|') + 1).trim());
                } else if (name.endsWith(" - Split")) {
                    found.put(info.getThreadId(), "split worker pool (poll-tasks, parallelProcessing)");
                } else if (name.contains("KafkaProducer[")) {
                    // The Camel Kafka producer's worker pool: the route goes on there after an acknowledged send.
                    found.put(info.getThreadId(), "kafka producer worker pool " + name.substring(name.indexOf("KafkaProducer[")));
                }
            }
            return found;
        }

        private static String classify(StackTraceElement[] stack, List<String[]> rules) {
            for (String[] rule : rules) {
                for (StackTraceElement frame : stack) {
                    String where = frame.getClassName() + "." + frame.getMethodName();
                    if (where.contains(rule[0])) {
                        return rule[1];
                    }
                }
            }
            if (stack.length == 0) {
                return "(no stack)";
            }
            return "other: " + stack[0].getClassName() + "." + stack[0].getMethodName();
        }

        void print() {
            long total = Math.max(1, rounds.get());
            System.out.printf("where the time goes (%,d stack samples of each thread, every 10 ms; %% of the run, "
                    + "summed over the threads of a pool):%n", total);
            if (counts.isEmpty()) {
                System.out.println("  (no bridge thread found)");
            }
            new TreeMap<>(counts).forEach((group, byReason) -> {
                int size = members.getOrDefault(group, Set.of()).size();
                System.out.printf("  %s%s:%n", group, size > 1 ? " (" + size + " threads)" : "");
                byReason.entrySet().stream()
                        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .limit(5)
                        .forEach(e -> System.out.printf("    %6.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
            });
        }
    }
}
