package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.camel.SchedulerLifecycle;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.local.RestartableKafka;
import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import org.apache.camel.Endpoint;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.InterceptSendToEndpoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault tolerance, end to end: the bridge built exactly as the jar builds it, a real Kafka broker (in-process KRaft)
 * and the Tasks API simulator, under broker outages, API outages, 429 storms, an unwritable dead-letter topic,
 * poison input, a low {@code max.poll.interval.ms}, and a check of the producers' effective configuration.
 *
 * <p>Every scenario counts what went in against what came out (output ∪ dead-letter, by key) and the duplicates,
 * prints one line and appends it to {@code target/reliability-report.txt}:
 * {@code scenario | tasks in | output | dead-letter | duplicates | notes}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class FaultToleranceIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Wall clock and System.nanoTime are read one after the other; the gate works on the wall clock. */
    private static final long CLOCK_TOLERANCE_MS = 10;

    /** Scenario 9: the consumers' max.poll.interval.ms and a max-wait beyond it. */
    private static final int MAX_POLL_INTERVAL_MS = 30_000;
    private static final String MAX_WAIT_BEYOND_POLL_INTERVAL = "35s";

    /** Disabled scenarios get their line in the report too. */
    @RegisterExtension
    static final TestWatcher REPORT_DISABLED = new TestWatcher() {
        @Override
        public void testDisabled(ExtensionContext context, Optional<String> reason) {
            Report report = new Report();
            report.scenario = context.getDisplayName();
            report.note("DISABLED " + reason.orElse(""));
            report.write(Optional.empty(), false);
        }
    };

    private final Report report = new Report();

    @RegisterExtension
    final AfterTestExecutionCallback writeReport = context -> report.write(context.getExecutionException(), true);

    @Override
    protected String topicPrefix() {
        return "fault";
    }

    /** Each scenario creates its topics as it needs them (partitions, configurations, another broker). */
    @Override
    protected boolean createsTopics() {
        return false;
    }

    @BeforeEach
    void nameTheScenario(TestInfo info) {
        report.scenario = info.getDisplayName();
    }

    // ------------------------------------------------------------------------------------------------ scenario 3

    @Test
    @DisplayName("3 broker outage")
    void s03_brokerOutageWhileTasksAreInFlightLosesNothing() throws Exception {
        RestartableKafka broker = RestartableKafka.start();
        try (KafkaTestClient dedicated = new KafkaTestClient(broker.bootstrapServers())) {
            dedicated.createTopic(topics.in(), 3);
            dedicated.createTopic(topics.out(), 3);
            dedicated.createTopic(topics.dlq(), 1);
            Map<String, String> s = new HashMap<>(settings);
            s.put("camel.component.kafka.brokers", broker.bootstrapServers());
            // Tasks finish 1 s to 5.75 s after creation: some are done before the outage, most during it.
            List<SimulatedTask> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(1_000 + 250L * i))));
            }
            BridgeInstance bridge = BridgeInstance.start(s);
            try {
                tasks.forEach(task -> send(dedicated, task.id(), task.id()));
                dedicated.awaitRecords(topics.out(), 3, DEADLINE);
                within(DEADLINE)
                        .alias("every task ingested")
                        .until(() -> dedicated.lag(topics.group(), topics.in()) == 0);

                long requestsBefore = apiLog.requestCount();
                long outageStart = System.nanoTime();
                broker.stopBroker();
                // The outage lasts at least 3 s and until every task has finished at the API, so that the bridge
                // has results to write while the broker is away.
                within(Duration.ofSeconds(30))
                        .alias("every task finished at the API during the outage")
                        .until(() -> elapsedMs(outageStart) >= 3_000
                                && tasks.stream().allMatch(SimulatedTask::isFinished));
                long outageMs = elapsedMs(outageStart);
                long requestsDuringOutage = apiLog.requestCount() - requestsBefore;
                broker.restartBroker();
                long restartedAfterMs = elapsedMs(outageStart);

                // New input after the outage flows as well, without restarting the bridge.
                List<SimulatedTask> later = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(300)));
                    later.add(task);
                    send(dedicated, task.id(), task.id());
                }
                Set<String> expected = ids(tasks, later);
                Tally tally = awaitEveryKey(dedicated, expected, Duration.ofSeconds(90), Duration.ofSeconds(1));
                report.figures(tally);
                report.note("outage " + outageMs + " ms (broker back after " + restartedAfterMs + " ms), "
                        + requestsDuringOutage + " API requests during it");

                assertEquals(expected, tally.outKeys(), "every task published, none lost");
                assertTrue(tally.dlq.isEmpty(), "nothing dead-lettered: " + tally.dlqKeys());
                assertTrue(bridge.bean("schedulerLifecycle", SchedulerLifecycle.class).scheduler().isRunning(),
                        "the pending-task scheduler survived the outage");
                assertTrue(bridge.context().getRouteController().getRouteStatus("ingest-tasks").isStarted(),
                        "the ingest route survived the outage");
                within(DEADLINE)
                        .alias("input and pending offsets committed after the outage")
                        .until(() -> dedicated.lag(topics.group(), topics.in()) == 0
                                && dedicated.lag(topics.pendingGroup(), topics.pending()) == 0);
                // Duplicates are allowed by at-least-once after a commit that failed during the outage; reported.
                report.note(tally.duplicates() == 0 ? "no duplicates"
                        : tally.duplicates() + " duplicate(s), allowed by at-least-once");
            } finally {
                if (!broker.isBrokerRunning()) {
                    broker.restartBroker(); // the bridge's producers could not close against a stopped broker
                }
                bridge.close();
            }
        } finally {
            broker.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 4

    @Test
    @DisplayName("4 API outage (500, hang, refused)")
    void s04_apiOutageLongerThanSeveralPollIntervalsDeadLettersNothing() throws Exception {
        TasksApiSimulator first = api;
        int port = first.port();
        settings.put("dreamina.api.read-timeout", "500ms");
        settings.put("dreamina.poll.interval", "200ms");
        settings.put("dreamina.poll.max-wait", "30s");
        createTopics(3);
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(first.createTask(TaskScript.done(Duration.ofMillis(300))));
        }
        LogRecorder log = own(LogRecorder.start());
        apiFaults.failAlways(Fault.status(500, "api_error"));
        startBridge(settings);
        tasks.forEach(task -> send(kafka, task.id(), task.id()));
        within(DEADLINE).alias("every task ingested").until(() -> kafka.lag(topics.group(), topics.in()) == 0);

        // A: 500 api_error for 3 s.
        long faultsBefore = apiFaults.faultCount();
        long startA = System.nanoTime();
        within(Duration.ofSeconds(20))
                .alias("3 s of 500 answers, retried")
                .until(() -> elapsedMs(startA) >= 3_000 && apiFaults.faultCount() - faultsBefore >= 3);
        long answers500 = apiFaults.faultCount() - faultsBefore;

        // B: the API hangs 10 s on every request; the bridge's read timeout is 500 ms.
        apiFaults.hangFor(Duration.ofSeconds(10));
        apiFaults.failAlways(Fault.hang());
        long requestsBeforeB = apiLog.requestCount();
        long startB = System.nanoTime();
        within(Duration.ofSeconds(20))
                .alias("3 s of hanging answers, at least two requests (each bounded by the 500 ms read timeout)")
                .until(() -> elapsedMs(startB) >= 3_000 && apiLog.requestCount() - requestsBeforeB >= 2);
        long hungRequests = apiLog.requestCount() - requestsBeforeB;

        // C: nothing listens on the API's port for 3 s.
        long ioErrorsBefore = log.countContaining("I/O error");
        first.close();
        long startC = System.nanoTime();
        within(Duration.ofSeconds(20))
                .alias("3 s of refused connections, retried")
                .until(() -> elapsedMs(startC) >= 3_000
                        && log.countContaining("I/O error") - ioErrorsBefore >= 2);
        long refusedAttempts = log.countContaining("I/O error") - ioErrorsBefore;
        assertTrue(kafka.readAll(topics.out(), Duration.ofMillis(200)).isEmpty(), "nothing published during the outage");
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(200)).isEmpty(), "nothing dead-lettered during the outage");

        // Recovery: the API is back on the same port, knowing the same tasks.
        TasksApiSimulator second = own(within(Duration.ofSeconds(10))
                .alias("the port free again")
                .until(() -> new TasksApiSimulator(TOKEN).port(port).start(), started -> true));
        tasks.forEach(task -> second.createTask(task.id(), TaskScript.done(Duration.ZERO)));
        Tally tally = awaitEveryKey(kafka, ids(tasks), DEADLINE, Duration.ofMillis(500));
        report.figures(tally);
        report.note("500s answered " + answers500 + ", hung requests " + hungRequests + " in "
                + elapsedMsBetween(startB, startC) + " ms, refused attempts " + refusedAttempts);
        assertEquals(ids(tasks), tally.outKeys(), "every task completed after the outage");
        assertTrue(tally.dlq.isEmpty(), "nothing dead-lettered: " + tally.dlqKeys());
        assertEquals(0, tally.duplicates(), "no duplicates");
    }

    // ------------------------------------------------------------------------------------------------ scenario 5

    @Test
    @DisplayName("5a 429 Retry-After seconds / HTTP date")
    void s05a_tooManyRequestsHonoursRetryAfterInSecondsAndAsAnHttpDate() throws Exception {
        createTopics(3);
        startBridge(settings); // dreamina.api.retry-after-cap: the default 60 s
        List<SimulatedTask> all = new ArrayList<>();

        // Retry-After: 2 (delay-seconds). One task, so one request at a time.
        SimulatedTask a = api.createTask(TaskScript.done(Duration.ZERO));
        all.add(a);
        apiLog.reset();
        apiFaults.failNext(1, Fault.tooManyRequests("2"));
        send(kafka, a.id(), a.id());
        awaitOutputKey(a.id());
        List<Long> arrivalsA = apiLog.requestTimestampsNanos();
        assertTrue(arrivalsA.size() >= 2, "a 429 and a retry: " + arrivalsA.size());
        long gapA = nanosToMs(arrivalsA.get(1) - arrivalsA.get(0));

        // Retry-After as an HTTP date (IMF-fixdate, whole seconds), 2 to 3 s ahead when set.
        SimulatedTask b = api.createTask(TaskScript.done(Duration.ZERO));
        all.add(b);
        apiLog.reset();
        ZonedDateTime retryAt = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(retryAt);
        apiFaults.failNext(1, Fault.tooManyRequests(date));
        send(kafka, b.id(), b.id());
        awaitOutputKey(b.id());
        List<Long> arrivalsB = apiLog.requestTimestampsNanos();
        long nanoToWallNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        assertTrue(arrivalsB.size() >= 2, "a 429 and a retry: " + arrivalsB.size());
        Instant tooManyB = Instant.ofEpochSecond(0, arrivalsB.get(0) + nanoToWallNanos);
        Instant retryB = Instant.ofEpochSecond(0, arrivalsB.get(1) + nanoToWallNanos);
        long dateAheadOf429 = Duration.between(tooManyB, retryAt.toInstant()).toMillis();
        long retryAfterDate = Duration.between(retryAt.toInstant(), retryB).toMillis();

        Tally tally = awaitEveryKey(kafka, ids(all), DEADLINE, Duration.ofMillis(500));
        report.figures(tally);
        report.note("Retry-After: 2 -> next request " + gapA + " ms after the 429; Retry-After: " + date + " ("
                + dateAheadOf429 + " ms ahead of the 429) -> retry " + retryAfterDate + " ms after that date");
        assertTrue(gapA >= 2_000 - CLOCK_TOLERANCE_MS, "no request within 2 s of a 429 with Retry-After: 2, got "
                + gapA + " ms");
        assertTrue(dateAheadOf429 >= 500, "the date was still ahead when the 429 was answered: "
                + dateAheadOf429 + " ms");
        assertTrue(retryAfterDate >= -CLOCK_TOLERANCE_MS, "no request before Retry-After: " + date
                + "; the retry came " + (-retryAfterDate) + " ms early");
        assertEquals(ids(all), tally.outKeys(), "every task completed");
        assertTrue(tally.dlq.isEmpty(), "nothing dead-lettered: " + tally.dlqKeys());
        assertEquals(0, tally.duplicates(), "no duplicates");
    }

    @Test
    @DisplayName("5b 429 Retry-After 3600, cap 1s")
    void s05b_aHugeRetryAfterIsCappedAndEveryTaskCompletes() throws Exception {
        createTopics(3);
        settings.put("dreamina.api.retry-after-cap", "1s");
        startBridge(settings);
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ZERO)));
        }
        apiLog.reset();
        apiFaults.failNext(3, Fault.tooManyRequests("3600"));
        tasks.forEach(task -> send(kafka, task.id(), task.id()));
        Tally tally = awaitEveryKey(kafka, ids(tasks), Duration.ofSeconds(30), Duration.ofMillis(500));
        List<Long> arrivals = apiLog.requestTimestampsNanos();
        assertTrue(arrivals.size() >= 4, "three 429s and a retry: " + arrivals.size());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            gaps.add(nanosToMs(arrivals.get(i) - arrivals.get(i - 1)));
        }
        report.figures(tally);
        report.note("three 429s with Retry-After: 3600, dreamina.api.retry-after-cap=1s -> gaps " + gaps + " ms");
        for (long gap : gaps) {
            assertTrue(gap >= 1_000 - CLOCK_TOLERANCE_MS && gap <= 3_000,
                    "after each 429 the next request waits the 1 s cap, no less and not an hour: gaps " + gaps);
        }
        assertEquals(ids(tasks), tally.outKeys(), "every task completed");
        assertTrue(tally.dlq.isEmpty(), "nothing dead-lettered: " + tally.dlqKeys());
        assertEquals(0, tally.duplicates(), "no duplicates");
    }

    // ------------------------------------------------------------------------------------------------ scenario 7

    @Test
    @DisplayName("7a dead-letter write fails")
    void s07a_anUnwritableDeadLetterTopicHoldsTheInputOffsetUntilItIsWritable() throws Exception {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.out(), 3);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topics.dlq(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "200")))).all().get(30, TimeUnit.SECONDS);

            LogRecorder log = own(LogRecorder.start());
            startBridge(settings);
            byte[] invalid = ("{\"note\":\"" + "x".repeat(1_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            SimulatedTask valid = api.createTask(TaskScript.done(Duration.ZERO));
            kafka.send(topics.in(), "big-invalid", invalid);
            send(kafka, valid.id(), valid.id());

            // The dead-letter write fails again and again (the record retried, never skipped), while the valid
            // record behind it, written in the same batch, is not held back.
            within(DEADLINE)
                    .alias("the dead-letter write to fail repeatedly and the valid record behind it to complete")
                    .until(() -> log.countContaining("RecordTooLargeException") >= 3
                            && !kafka.readAll(topics.out(), Duration.ofMillis(50)).isEmpty());
            long failedWrites = log.countContaining("RecordTooLargeException");
            long reseeks = log.countContaining("Will break on first error");
            Map<?, Long> committedWhileUnwritable = kafka.committedOffsets(topics.group(), topics.in());
            assertTrue(committedWhileUnwritable.values().stream().allMatch(offset -> offset == 0),
                    "the input offset stays on the invalid record while the dead-letter topic is unwritable: "
                            + committedWhileUnwritable);
            assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(200)).isEmpty(), "nothing could be dead-lettered");

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.dlq()),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048576"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);

            ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
            kafka.awaitRecords(topics.out(), 1, DEADLINE);
            within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
            Tally tally = tally(kafka, 2, Duration.ofMillis(500));
            report.figures(tally);
            report.note(failedWrites + " failed dead-letter write attempts logged and " + reseeks
                    + " re-reads from the invalid record while unwritable (the valid record behind it completed "
                    + "meanwhile); committed input offsets then " + committedWhileUnwritable);
            assertEquals("big-invalid", dead.key());
            assertArrayEquals(invalid, dead.value(), "the original bytes");
            assertEquals("invalid_input", header(dead, "dreamina.error.code"));
            assertEquals(Set.of("big-invalid"), tally.dlqKeys());
            assertEquals(Set.of(valid.id()), tally.outKeys());
            assertEquals(0, tally.duplicates(), "exactly one dead letter and one output");
        }
    }

    @Test
    @DisplayName("7b dead-letter topic missing, auto-creation off")
    void s07b_aMissingDeadLetterTopicHoldsTheInputOffsetUntilTheTopicExists() throws Exception {
        EmbeddedKafka broker = own(EmbeddedKafka.start(Map.of("auto.create.topics.enable", "false")));
        try (KafkaTestClient dedicated = new KafkaTestClient(broker.bootstrapServers())) {
            dedicated.createTopic(topics.in(), 1);
            dedicated.createTopic(topics.out(), 1);
            Map<String, String> s = new HashMap<>(settings);
            s.put("camel.component.kafka.brokers", broker.bootstrapServers());
            // A send to a missing topic waits max.block.ms for its metadata: short here, so retries come quickly.
            s.put("camel.component.kafka.max-block-ms", "1000");
            LogRecorder log = own(LogRecorder.start());
            startBridge(s);
            byte[] invalid = "not a task id!".getBytes(StandardCharsets.UTF_8);
            SimulatedTask valid = api.createTask(TaskScript.done(Duration.ZERO));
            dedicated.send(topics.in(), "invalid", invalid);
            send(dedicated, valid.id(), valid.id());

            // Several failed attempts to write the dead letter (each waits 1 s for the topic's metadata) ...
            within(DEADLINE)
                    .alias("dead-letter write attempts failing on the missing topic")
                    .until(() -> log.countContaining("not present in metadata") >= 4);
            long failedWrites = log.countContaining("not present in metadata");
            // ... the input offset has not moved past the invalid record, and the valid record behind it, written in
            // the same batch, was not held back.
            assertTrue(dedicated.committedOffsets(topics.group(), topics.in()).values().stream()
                            .allMatch(offset -> offset == 0),
                    "input offset held: " + dedicated.committedOffsets(topics.group(), topics.in()));
            dedicated.awaitRecords(topics.out(), 1, DEADLINE);

            dedicated.createTopic(topics.dlq(), 1);
            ConsumerRecord<String, byte[]> dead = dedicated.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
            dedicated.awaitRecords(topics.out(), 1, DEADLINE);
            within(DEADLINE)
                    .alias("input offsets committed")
                    .until(() -> dedicated.lag(topics.group(), topics.in()) == 0);
            Tally tally = tally(dedicated, 2, Duration.ofMillis(500));
            report.figures(tally);
            report.note(failedWrites + " failed dead-letter writes to the missing topic (auto-creation off): input "
                    + "offset held, the valid record behind it completed meanwhile; once the topic existed the dead "
                    + "letter landed, nothing twice");
            assertEquals("invalid", dead.key());
            assertArrayEquals(invalid, dead.value(), "the original bytes");
            assertEquals("invalid_input", header(dead, "dreamina.error.code"));
            assertEquals(Set.of(valid.id()), tally.outKeys());
            assertEquals(0, tally.duplicates(), "exactly one dead letter and one output");
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 8

    @Test
    @DisplayName("8 poison values")
    void s08_poisonValuesAreDeadLetteredOnceEachAndTheValidRecordBehindThemCompletes() throws Exception {
        kafka.createTopic(topics.in(), 1);
        kafka.createTopic(topics.out(), 3);
        kafka.createTopic(topics.dlq(), 1);
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("huge", "7".repeat(1_000_000).getBytes(StandardCharsets.UTF_8));
        poison.put("id-array", utf8("{\"id\":[\"a\"]}"));
        poison.put("task-id-object", utf8("{\"task_id\":{\"x\":1}}"));
        poison.put("trace-id-null", utf8("{\"trace_id\":null}"));
        poison.put("empty-array", utf8("[]"));
        poison.put("quoted-string", utf8("\"id\""));
        poison.put("empty-object", utf8("{}"));
        SimulatedTask valid = api.createTask(TaskScript.done(Duration.ZERO));
        startBridge(settings);
        poison.forEach((key, value) -> kafka.send(topics.in(), key, value));
        send(kafka, valid.id(), valid.id());

        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.awaitRecords(topics.dlq(), poison.size(), DEADLINE);
        kafka.awaitRecords(topics.out(), 1, DEADLINE);
        within(DEADLINE).alias("input offsets committed").until(() -> kafka.lag(topics.group(), topics.in()) == 0);
        Tally tally = tally(kafka, poison.size() + 1, Duration.ofMillis(500));
        report.figures(tally);
        report.note("1,000,000-byte value, wrong JSON types, [], quoted string, {}");
        assertEquals(poison.keySet(), tally.dlqKeys(), "one dead letter per poison value");
        for (ConsumerRecord<String, byte[]> record : deadLetters) {
            assertArrayEquals(poison.get(record.key()), record.value(), "original bytes of " + record.key());
            assertEquals("invalid_input", header(record, "dreamina.error.code"), record.key());
            assertNotNull(header(record, "dreamina.error.message"), record.key());
        }
        assertEquals(Set.of(valid.id()), tally.outKeys(), "the valid record behind them completed");
        assertEquals(0, tally.duplicates(), "exactly once each");
    }

    // ------------------------------------------------------------------------------------------------ scenario 9

    @Test
    @DisplayName("9 low max.poll.interval.ms")
    void s09_aTaskThatNeverFinishesTimesOutWithoutEverExceedingMaxPollInterval() throws Exception {
        createTopics(3);
        settings.put("camel.component.kafka.max-poll-interval-ms", String.valueOf(MAX_POLL_INTERVAL_MS));
        settings.put("dreamina.poll.max-wait", MAX_WAIT_BEYOND_POLL_INTERVAL);
        // One input consumer: several would join the group one after another at start, and this scenario counts
        // joins to show that nobody is thrown out later.
        settings.put("dreamina.ingest.consumers", "1");
        LogRecorder log = own(LogRecorder.start("org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
                "org.apache.kafka.clients.consumer.internals.AbstractCoordinator"));
        SimulatedTask never = api.createTask(TaskScript.never());
        BridgeInstance bridge = startBridge(settings);
        assertEquals(String.valueOf(MAX_POLL_INTERVAL_MS), String.valueOf(new KafkaClients(bridge.context())
                        .pendingConsumer(topics.pendingGroup(), 1).get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)),
                "the pending consumer gets the low max.poll.interval.ms");
        long start = System.nanoTime();
        send(kafka, never.id(), never.id());

        try (Admin admin = admin()) {
            Map<String, Set<String>> membersAtStart = within(DEADLINE)
                    .alias("one member in each group")
                    .until(() -> members(admin), m -> m.values().stream().allMatch(ids -> ids.size() == 1));
            ConsumerRecord<String, byte[]> dead = kafka.awaitRecords(topics.dlq(), 1, DEADLINE).get(0);
            long tookMs = elapsedMs(start);
            assertEquals("poll_timeout", header(dead, "dreamina.error.code"));
            assertEquals(never.id(), header(dead, "dreamina.task.id"));
            within(DEADLINE)
                    .alias("the pending topic committed")
                    .until(() -> kafka.lag(topics.pendingGroup(), topics.pending()) == 0);
            Map<String, Set<String>> membersAtEnd = members(admin);

            long joinsInput = joins(log, topics.group());
            long joinsPending = joins(log, topics.pendingGroup());
            List<LogRecorder.Entry> trouble = log.matching(e -> e.contains("poll timeout has expired")
                    || e.contains("CommitFailedException") || e.contains("RebalanceInProgress")
                    || e.contains("Committing") && e.contains("failed")
                    || e.contains("Request joining group due to: group is already rebalancing"));
            Tally tally = tally(kafka, 1, Duration.ofMillis(500));
            report.figures(tally);
            report.note("max.poll.interval.ms=" + MAX_POLL_INTERVAL_MS + ", max-wait="
                    + MAX_WAIT_BEYOND_POLL_INTERVAL + ": poll_timeout after " + tookMs + " ms; group joins input="
                    + joinsInput + " pending=" + joinsPending + "; rebalance/commit-failure lines " + trouble.size());
            assertEquals(membersAtStart, membersAtEnd, "same group members from start to end: no one was thrown out");
            assertEquals(1, joinsPending, "the pending group joined once: " + log.containing("joined group"));
            assertEquals(1, joinsInput, "the input group joined once: " + log.containing("joined group"));
            assertTrue(trouble.isEmpty(), "no rebalance or commit failure: " + trouble);
            assertEquals(Set.of(never.id()), tally.dlqKeys());
            assertTrue(tally.out.isEmpty());
            assertEquals(0, tally.duplicates(), "dead-lettered once");
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 13

    @Test
    @DisplayName("13 effective client configuration")
    void s13_everyProducerIsIdempotentWithAcksAllAndThePendingConsumerCommitsManuallyFromEarliest() throws Exception {
        createTopics(3);
        BridgeInstance bridge = startBridge(settings);
        List<String> producerTopics = new ArrayList<>();
        for (Endpoint registered : bridge.context().getEndpoints()) {
            // The error policy's interceptSendToEndpoint("kafka:*") wraps the Kafka endpoints.
            Endpoint endpoint = registered instanceof InterceptSendToEndpoint intercepted
                    ? intercepted.getOriginalEndpoint() : registered;
            if (!(endpoint instanceof KafkaEndpoint kafkaEndpoint)) {
                continue;
            }
            if (topics.in().equals(kafkaEndpoint.getConfiguration().getTopic())) {
                // The input topic is only consumed (ingest-tasks).
                Properties consumer = kafkaEndpoint.getConfiguration().createConsumerProperties();
                assertEquals("false", String.valueOf(consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)),
                        "input consumer " + endpoint.getEndpointUri());
                assertEquals("earliest", String.valueOf(consumer.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)),
                        "input consumer " + endpoint.getEndpointUri());
                continue;
            }
            String topic = kafkaEndpoint.getConfiguration().getTopic();
            producerTopics.add(topic);
            Properties producer = kafkaEndpoint.getConfiguration().createProducerProperties();
            assertEquals("true", String.valueOf(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)),
                    "enable.idempotence of the producer to " + topic + ": " + producer);
            assertEquals("all", String.valueOf(producer.get(ProducerConfig.ACKS_CONFIG)),
                    "acks of the producer to " + topic + ": " + producer);
            // What the Kafka client makes of those properties.
            Properties effective = new Properties();
            effective.putAll(producer);
            effective.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
            ProducerConfig config = new ProducerConfig(effective);
            assertTrue(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "effective idempotence " + topic);
            assertTrue(Set.of("all", "-1").contains(config.getString(ProducerConfig.ACKS_CONFIG)),
                    "effective acks " + topic + ": " + config.getString(ProducerConfig.ACKS_CONFIG));
        }
        assertEquals(new TreeSet<>(Set.of(topics.out(), topics.dlq(), topics.pending())), new TreeSet<>(producerTopics),
                "the three producer endpoints: output, dead-letter, pending");

        // One pending-task scheduler per bridge: BridgeConfiguration applied once (it was applied twice, by the
        // explicit addConfiguration and by camel-main's base-package scan, which ran two schedulers).
        assertEquals(1, bridge.context().getLifecycleStrategies().stream()
                .filter(SchedulerLifecycle.class::isInstance).count(), "exactly one pending-task scheduler");

        Properties pendingConsumer = new KafkaClients(bridge.context()).pendingConsumer(topics.pendingGroup(), 200);
        assertEquals("false", String.valueOf(pendingConsumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)));
        assertEquals("earliest", String.valueOf(pendingConsumer.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)));

        // And the producers really work with it: one task through.
        SimulatedTask task = api.createTask(TaskScript.done(Duration.ZERO));
        send(kafka, task.id(), task.id());
        Tally tally = awaitEveryKey(kafka, Set.of(task.id()), DEADLINE, Duration.ofMillis(300));
        report.figures(tally);
        report.note("one scheduler; producers to " + new TreeSet<>(producerTopics).size()
                + " topics: enable.idempotence=true, acks=all; pending consumer: enable.auto.commit=false, "
                + "auto.offset.reset=earliest");
        assertEquals(Set.of(task.id()), tally.outKeys());
        assertEquals(0, tally.duplicates());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void createTopics(int inputPartitions) {
        kafka.createTopic(topics.in(), inputPartitions);
        kafka.createTopic(topics.out(), 3);
        kafka.createTopic(topics.dlq(), 1);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private void send(KafkaTestClient client, String key, String value) {
        client.send(topics.in(), key, utf8(value));
    }

    private void awaitOutputKey(String key) {
        within(DEADLINE).untilAsserted(() -> assertTrue(kafka.readAll(topics.out(), Duration.ofMillis(100)).stream()
                .anyMatch(r -> key.equals(r.key())), () -> "output for " + key));
    }

    /** Waits until every key is on the output or dead-letter topic, then counts both after {@code quiet}. */
    private Tally awaitEveryKey(KafkaTestClient client, Set<String> keys, Duration deadline, Duration quiet) {
        within(deadline)
                .untilAsserted(() -> assertTrue(
                        tally(client, keys.size(), Duration.ofMillis(100)).keys().containsAll(keys),
                        () -> "every one of " + keys.size() + " tasks on the output or dead-letter topic"));
        return tally(client, keys.size(), quiet);
    }

    private Tally tally(KafkaTestClient client, int tasksIn, Duration quiet) {
        return new Tally(tasksIn, client.readAll(topics.out(), quiet), client.readAll(topics.dlq(), quiet));
    }

    /** Consumer ids of the members of the input and pending groups. */
    private Map<String, Set<String>> members(Admin admin) {
        try {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.of(topics.group(),
                    topics.pendingGroup())).all().get(30, TimeUnit.SECONDS);
            Map<String, Set<String>> members = new LinkedHashMap<>();
            groups.forEach((id, description) -> {
                if (description.groupState() != GroupState.STABLE) {
                    throw new IllegalStateException(id + " is " + description.groupState());
                }
                members.put(id, description.members().stream().map(MemberDescription::consumerId)
                        .collect(Collectors.toCollection(TreeSet::new)));
            });
            return members;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("describe groups: " + e, e);
        }
    }

    /** Group joins of one group, as Kafka's consumer coordinator logs them. */
    private static long joins(LogRecorder log, String groupId) {
        return log.count(e -> e.contains("Successfully joined group") && e.contains("groupId=" + groupId + "]"));
    }

    @SafeVarargs
    private static Set<String> ids(List<SimulatedTask>... lists) {
        Set<String> ids = new LinkedHashSet<>();
        for (List<SimulatedTask> list : lists) {
            list.forEach(task -> ids.add(task.id()));
        }
        return ids;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static long elapsedMsBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    private static long nanosToMs(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** What came out for the tasks that went in: output and dead-letter records, by key. */
    private record Tally(int tasksIn, List<ConsumerRecord<String, byte[]>> out,
                         List<ConsumerRecord<String, byte[]>> dlq) {

        Set<String> outKeys() {
            return out.stream().map(ConsumerRecord::key).collect(Collectors.toCollection(LinkedHashSet::new));
        }

        Set<String> dlqKeys() {
            return dlq.stream().map(ConsumerRecord::key).collect(Collectors.toCollection(LinkedHashSet::new));
        }

        /** Every key on either topic: output ∪ dead-letter. */
        Set<String> keys() {
            Set<String> keys = new HashSet<>(outKeys());
            keys.addAll(dlqKeys());
            return keys;
        }

        /** Records beyond the first for a key, over both topics (a task both published and dead-lettered counts). */
        int duplicates() {
            return out.size() + dlq.size() - keys().size();
        }
    }

    /** One line per scenario: {@code scenario | tasks in | output | dead-letter | duplicates | notes}. */
    private static final class Report {
        String scenario = "?";
        int tasksIn = -1;
        int output = -1;
        int deadLetter = -1;
        int duplicates = -1;
        final List<String> notes = new ArrayList<>();

        void figures(Tally tally) {
            tasksIn = tally.tasksIn();
            output = tally.out().size();
            deadLetter = tally.dlq().size();
            duplicates = tally.duplicates();
        }

        void note(String note) {
            notes.add(note);
        }

        void write(Optional<Throwable> failure, boolean ran) {
            List<String> all = new ArrayList<>();
            if (ran) {
                all.add(failure.isPresent() ? "FAIL: " + firstLine(failure.get()) : "PASS");
            }
            all.addAll(notes);
            String line = String.join(" | ", scenario, figure(tasksIn), figure(output), figure(deadLetter),
                    figure(duplicates), String.join("; ", all));
            System.out.println("RELIABILITY " + line);
            ReliabilityReport.append(line);
        }

        private static String figure(int value) {
            return value < 0 ? "-" : String.valueOf(value);
        }

        private static String firstLine(Throwable failure) {
            String message = String.valueOf(failure.getMessage());
            int newline = message.indexOf('\n');
            String first = newline < 0 ? message : message.substring(0, newline);
            return failure.getClass().getSimpleName() + " " + (first.length() > 300 ? first.substring(0, 300) + "…" : first);
        }
    }
}
