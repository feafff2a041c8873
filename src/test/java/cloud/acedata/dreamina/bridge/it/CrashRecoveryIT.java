package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.SimulatorFaults;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import cloud.acedata.dreamina.bridge.support.TopicTally;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.support.KafkaTestClient.header;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash recovery of the jar, run as its own process (as an operator runs it) against the shared broker and the API
 * simulator: SIGKILL and SIGTERM in the middle of a run of 300 tasks, a kill of one of two instances of a group,
 * and the same task given twice. Every test counts, by key, what reached the output and dead-letter topics: nothing
 * may be lost; duplicates are counted (allowed after SIGKILL, not after SIGTERM) and reported, one line per scenario,
 * on stdout and in {@code target/reliability-report.txt}.
 *
 * <p>Each bridge runs with {@code -Dcamel.component.kafka.session-timeout-ms=10000}: after a SIGKILL the dead member
 * stays in its consumer groups until its session times out, and nothing of its partitions moves before that. With
 * Kafka's default of 45 s each kill scenario would wait 45 s; the recovery time measured here is bounded by the
 * session timeout in the same way.
 */
@ExtendWith(KafkaBroker.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CrashRecoveryIT {

    private static final String TOKEN = Canary.TOKEN;
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path REPORT = ROOT.resolve(Path.of("target", "reliability-report.txt"));
    private static final Path LOGS = ROOT.resolve(Path.of("target", "crash-logs"));

    private static final int TASKS = 300;
    /** Tasks finish between 0 and this after their creation, evenly spread. */
    private static final Duration SPREAD = Duration.ofSeconds(6);
    /** Outputs (or dead letters) seen before the crash: the run is well under way, far from over. */
    private static final int CRASH_AFTER = 50;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration FINISH = Duration.ofSeconds(75);
    private static final Duration QUIET = Duration.ofSeconds(30);
    private static final Duration STOP_BOUND = Duration.ofSeconds(25);
    private static final String SESSION_TIMEOUT = "-Dcamel.component.kafka.session-timeout-ms=10000";
    private static final String S1 = "1 kill -9 mid-flight, restart";
    private static final String S2 = "2 SIGTERM mid-flight, restart";
    private static final String S2B = "2b SIGTERM with API requests in flight (300 ms latency), restart";
    private static final String S10 = "10 two instances, one kill -9";
    private static final String S11 = "11 same task id given twice";
    private static final String K1 = "K1 kill -9 while a task fails at the head of the pending partition, restart";
    /** K1: tasks finishing at once behind the failing one. */
    private static final int BEHIND_THE_FAILING_TASK = 400;
    /** K1: the failing task's max-wait, past the kill and the restart. */
    private static final Duration FAILING_MAX_WAIT = Duration.ofSeconds(10);
    /** K1: how long the output stays quiet before the kill: many commit intervals (100 ms). */
    private static final Duration QUIET_BEFORE_KILL = Duration.ofMillis(2500);
    /** K1: how long everything stays committed after the restart read it all again: several poll intervals. */
    private static final Duration SETTLED_FOR = Duration.ofSeconds(2);
    private static final Pattern DONE_LINE = Pattern.compile("Task \\S+ done: ");

    private static TasksApiSimulator api;
    private static KafkaTestClient kafka;
    private static Admin admin;

    private TestTopics topics;
    private String testName;
    private final List<BridgeProcess> bridges = new ArrayList<>();
    private final Map<BridgeProcess, String> slots = new HashMap<>();
    private final List<TopicTally> tallies = new ArrayList<>();

    @BeforeAll
    static void startApi() {
        api = new TasksApiSimulator(TOKEN).start();
        kafka = new KafkaTestClient(KafkaBroker.bootstrapServers());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    @AfterAll
    static void stopApi() {
        admin.close(Duration.ofSeconds(5));
        kafka.close();
        api.close();
    }

    @BeforeEach
    void topics(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        topics = TestTopics.unique("crash");
        kafka.createTopic(topics.in(), 4);
        kafka.createTopic(topics.out(), 3);
        kafka.createTopic(topics.dlq(), 1);
    }

    /** Keeps every bridge's log under target/crash-logs (the evidence when a scenario fails), then ends them. */
    @AfterEach
    void stopBridges() throws Exception {
        Files.createDirectories(LOGS);
        for (int i = 0; i < bridges.size(); i++) {
            BridgeProcess bridge = bridges.get(i);
            Files.writeString(LOGS.resolve(testName + "-" + i + ".log"), bridge.log(), StandardCharsets.UTF_8);
            bridge.close();
        }
        bridges.clear();
        tallies.forEach(TopicTally::close);
        tallies.clear();
    }

    // ------------------------------------------------------------------------------------------------ scenarios

    @Test
    @DisplayName("1 kill -9 mid-flight")
    void sigkillMidFlightThenRestartLosesNothing() throws Exception {
        BridgeProcess first = startBridge();
        Tally tally = tally();
        Map<String, Boolean> tasks = produceTasks(TASKS);

        int before = tally.awaitTerminal(CRASH_AFTER);
        first.kill();
        int atCrash = tally.settle().terminalKeys().size();
        assertTrue(atCrash < TASKS, "the crash came mid-flight: " + atCrash + " of " + TASKS + " done already");

        long restart = System.nanoTime();
        BridgeProcess second = startBridge();
        long recovered = awaitAll(S1, tasks, tally);
        Outcome outcome = finish(tasks, tally);
        assertGracefulStop(second);

        report(S1, TASKS, outcome, String.format(
                "killed at %d terminal (%d when the kill was decided); restart to all terminal %.1f s; "
                        + "%d keys more than once", atCrash, before, seconds(recovered - restart), outcome.keysTwice));
        outcome.assertNothingLost();
        assertEquals(0, second.count(DONE_LINE), "no line per published task unless dreamina.log.task-done-level "
                + "asks for it");
    }

    /**
     * Issue 12's measurement: one pending partition, one task whose every request answers 500 at its head, 400 tasks
     * behind it that finish at once. Once the 400 are out and the output has been quiet for a while, the jar is
     * killed; the task at the head still waits (max-wait 10 s). The restarted instance reads the partition again
     * from the commit: no task already published may be published again, and the failing task is dead-lettered
     * once. Before the scheduler was split (9d33a58) the waiting task held the commit at 0 and every output came
     * twice.
     */
    @Test
    void killWhileATaskFailsAtTheHeadOfThePendingPartitionRepublishesNothing() throws Exception {
        SimulatorFaults faults = new SimulatorFaults();
        api.hook(faults);
        try {
            killWhileATaskFailsAtTheHead(faults);
        } finally {
            api.hook(null);
        }
    }

    private void killWhileATaskFailsAtTheHead(SimulatorFaults faults) throws Exception {
        Map<String, String> env = env();
        env.put("DREAMINA_TOPIC_PENDING_PARTITIONS", "1");
        env.put("DREAMINA_POLL_MAX_WAIT", FAILING_MAX_WAIT.toSeconds() + "s");
        BridgeProcess first = startBridge(env);
        Tally tally = tally();

        String failing = api.createTask(TaskScript.done(Duration.ofHours(1))).id();
        faults.failWhenNaming(failing, Fault.status(500, "api_error"));
        long failingSent = System.nanoTime();
        send(failing);
        within(START).alias("the failing task at the head of the pending partition")
                .until(() -> pendingRecords() >= 1);
        Map<String, Boolean> tasks = new HashMap<>();
        for (int i = 0; i < BEHIND_THE_FAILING_TASK; i++) {
            String id = api.createTask(TaskScript.done(Duration.ZERO)).id();
            tasks.put(id, true);
            send(id);
        }
        tally.awaitAll(tasks.keySet());
        long lastOutput = awaitOutputQuiet(tally);
        tally.refresh();
        assertEquals(0, tally.deadLetters.count(failing), "the failing task still waits at the kill");
        long committedAtKill = kafka.committedOffset(topics.pendingGroup(), topics.pending());
        long killedAfter = System.nanoTime() - lastOutput;
        first.kill();
        long pendingAtKill = pendingRecords();
        long copiesAtKill = kafka.readAll(topics.pending(), Duration.ofMillis(200)).stream()
                .filter(record -> failing.equals(record.key())).count() - 1;
        tally.settle();
        long faultsAtKill = faults.faultCount();

        long restart = System.nanoTime();
        startBridge(env);
        within(FINISH).alias("the failing task dead-lettered")
                .until(() -> tally.refresh().deadLetters.count(failing) >= 1);
        long deadLettered = System.nanoTime();
        within(QUIET).during(SETTLED_FOR).alias("input and pending offsets committed to the end, and staying so")
                .until(() -> kafka.lag(topics.group(), topics.in()) == 0
                        && kafka.lag(topics.pendingGroup(), topics.pending()) == 0);
        tasks.put(failing, false);
        Outcome outcome = count(tasks);
        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.readAll(topics.dlq(), Duration.ofMillis(500));

        report(K1, tasks.size(), outcome, String.format("killed %.1f s after the last output; pending "
                        + "group committed %d of %d records at the kill; the failing task: %d copies written back and "
                        + "%d requests answered 500 before the kill, %d in all, dead-lettered %s %.1f s after it was sent (max-wait %d s), "
                        + "%.1f s after the restart; %d keys more than once",
                seconds(killedAfter), committedAtKill, pendingAtKill, copiesAtKill, faultsAtKill, faults.faultCount(),
                deadLetters.isEmpty() ? "-" : header(deadLetters.get(0), "dreamina.error.code"),
                seconds(deadLettered - failingSent), FAILING_MAX_WAIT.toSeconds(), seconds(deadLettered - restart),
                outcome.keysTwice));
        assertTrue(outcome.missing.isEmpty(), "lost: " + outcome.missing);
        assertEquals(0, outcome.duplicates, "nothing already published is published again; more than once: "
                + outcome.keysMoreThanOnce.size() + " keys, e.g. " + outcome.keysMoreThanOnce.entrySet().stream()
                .limit(3).toList());
        assertEquals(BEHIND_THE_FAILING_TASK, outcome.outputs, "each finished task published once");
        assertEquals(0, outcome.outputCount(failing), "the failing task is not published");
        assertEquals(1, deadLetters.size(), "one dead letter, the failing task's");
        assertEquals(failing, deadLetters.get(0).key());
        assertEquals("api_error", header(deadLetters.get(0), "dreamina.error.code"));
        // Written back only when its own backoff (1, 2, 4, 8 s plus up to 1 s) exceeds 2 s: at most 3 times before
        // its max-wait, whatever the poll interval; each copy waits on the topic until its due time.
        assertTrue(copiesAtKill <= 3, "a task on its own backoff is written back once per backoff, not read "
                + "again at once: " + copiesAtKill + " copies before the kill");
    }

    /** Records the bridge has written to the pending topic. */
    private long pendingRecords() {
        return kafka.endOffsets(topics.pending()).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until nothing new has reached the output for {@link #QUIET_BEFORE_KILL}.
     *
     * @return System.nanoTime() of the last change seen
     */
    private static long awaitOutputQuiet(Tally tally) {
        long[] last = {System.nanoTime(), tally.refresh().outputs.records()};
        within(FINISH).alias("the output quiet for " + QUIET_BEFORE_KILL.toMillis() + " ms").until(() -> {
            int seen = tally.refresh().outputs.records();
            if (seen != last[1]) {
                last[0] = System.nanoTime();
                last[1] = seen;
            }
            return System.nanoTime() - last[0] >= QUIET_BEFORE_KILL.toNanos();
        });
        return last[0];
    }

    @Test
    @DisplayName("2 SIGTERM mid-flight")
    void sigtermMidFlightThenRestartLosesNothingAndDuplicatesNothing() throws Exception {
        sigtermMidFlight(S2);
    }

    /** The API answers in 300 ms: at the stop, several requests are in flight (dreamina.api.max-in-flight). */
    @Test
    void sigtermWithRequestsInFlightUnderApiLatencyLosesNothingAndDuplicatesNothing() throws Exception {
        api.latency(Duration.ofMillis(300));
        try {
            sigtermMidFlight(S2B);
        } finally {
            api.latency(Duration.ZERO);
        }
    }

    private void sigtermMidFlight(String scenario) throws Exception {
        BridgeProcess first = startBridge();
        Tally tally = tally();
        Map<String, Boolean> tasks = produceTasks(TASKS);

        int before = tally.awaitTerminal(CRASH_AFTER);
        long stopAsked = System.nanoTime();
        int exit = first.terminate(STOP_BOUND);
        long stopTook = System.nanoTime() - stopAsked;
        assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + first.tail());
        assertTrue(Pattern.compile("Apache Camel .* shutdown in").matcher(first.log()).find(),
                "Camel's graceful shutdown ran:\n" + first.tail());
        int atStop = tally.settle().terminalKeys().size();
        assertTrue(atStop < TASKS, "the stop came mid-flight: " + atStop + " of " + TASKS + " done already");

        long restart = System.nanoTime();
        BridgeProcess second = startBridge();
        long recovered = awaitAll(scenario, tasks, tally);
        Outcome outcome = finish(tasks, tally);
        assertGracefulStop(second);

        report(scenario, TASKS, outcome, String.format(
                "stopped in %.1f s (exit %d) at %d terminal (%d when the stop was decided); restart to all "
                        + "terminal %.1f s", seconds(stopTook), exit, atStop, before, seconds(recovered - restart)));
        outcome.assertNothingLost();
        assertEquals(0, outcome.duplicates, "a graceful stop repeats nothing; keys written more than once: "
                + outcome.keysMoreThanOnce);
    }

    @Test
    @DisplayName("10 two instances, one killed")
    void oneOfTwoInstancesKilledTheOtherFinishesEverything() throws Exception {
        // Each instance prints its published tasks (off by default): the victim is chosen by them.
        Map<String, String> env = env();
        env.put("DREAMINA_LOG_TASK_DONE_LEVEL", "INFO");
        BridgeProcess a = startBridge(env);
        BridgeProcess b = startBridge(env);
        awaitPendingPartitionsOwnedBy(Set.of(a.pid(), b.pid()));
        awaitInputShared();
        Tally tally = tally();
        Map<String, Boolean> tasks = produceTasks(TASKS);

        int before = tally.awaitTerminal(CRASH_AFTER);
        within(FINISH)
                .alias("either instance publishing")
                .until(() -> a.count(DONE_LINE) > 0 || b.count(DONE_LINE) > 0);
        BridgeProcess victim = a.count(DONE_LINE) >= b.count(DONE_LINE) ? a : b;
        BridgeProcess survivor = victim == a ? b : a;
        // The survivor goes on writing: the count that matters is the one just before the kill.
        int atCrash = tally.refresh().terminalKeys().size();
        victim.kill();
        int victimDone = victim.count(DONE_LINE);
        assertTrue(victimDone > 0, "the killed instance was working: it had published " + victimDone);
        assertTrue(atCrash < TASKS, "the crash came mid-flight: " + atCrash + " of " + TASKS + " done already");

        long crash = System.nanoTime();
        long recovered = awaitAll(S10, tasks, tally);
        assertTrue(survivor.isAlive(), "the survivor runs on");
        // The survivor took over: every pending partition is its own (by the pid in the scheduler's client id).
        awaitPendingPartitionsOwnedBy(Set.of(survivor.pid()));
        Outcome outcome = finish(tasks, tally);
        int survivorDone = survivor.count(DONE_LINE);
        assertGracefulStop(survivor);

        report(S10, TASKS, outcome, String.format(
                "victim had published %d, survivor %d (log lines); killed at %d terminal (%d when decided); "
                        + "kill to all terminal %.1f s (session timeout 10 s); %d keys more than once",
                victimDone, survivorDone, atCrash, before, seconds(recovered - crash), outcome.keysTwice));
        outcome.assertNothingLost();
    }

    @Test
    @DisplayName("11 duplicate input")
    void theSameTaskGivenTwiceIsPublishedOnceOrTwiceAndNothingIsLost() throws Exception {
        startBridge();
        Tally tally = tally();
        int count = 20;
        Map<String, Boolean> tasks = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimulatedTask task = api.createTask(TaskScript.done(Duration.ofMillis(200 + 100L * i)));
            tasks.put(task.id(), true);
            ids.add(task.id());
        }
        String twiceAtOnce = ids.get(0);
        String twiceLater = ids.get(1);
        int inputRecords = 0;
        for (String id : ids) {
            send(id);
            inputRecords++;
            if (id.equals(twiceAtOnce)) {
                send(id);
                inputRecords++;
            }
        }
        // The second copy of the other one comes once its first output is out: a task given again after it finished.
        within(FINISH)
                .untilAsserted(() -> assertTrue(tally.refresh().outputs.count(twiceLater) >= 1,
                        () -> "the first output of "
                + twiceLater));
        send(twiceLater);
        inputRecords++;

        awaitAll(S11, tasks, tally);
        Outcome outcome = finish(tasks, tally);
        for (String id : List.of(twiceAtOnce, twiceLater)) {
            int n = outcome.outputCount(id);
            assertTrue(n >= 1 && n <= 2, "a task given twice is published once or twice, " + id + ": " + n);
        }
        for (String id : ids.subList(2, ids.size())) {
            assertEquals(1, outcome.outputCount(id), "a task given once is published once: " + id);
        }

        report(S11, count, outcome, String.format(
                "%d input records for %d tasks (one id twice back to back, one again after its output); "
                        + "outputs of those: %d and %d", inputRecords, count, outcome.outputCount(twiceAtOnce),
                outcome.outputCount(twiceLater)));
        outcome.assertNothingLost();
    }

    /**
     * The pending partitions bound the instances that share the polling (application.properties): that holds only if
     * one bridge process is one member of the pending group, with one scheduler.
     */
    @Test
    void oneBridgeProcessRunsOnePendingTaskScheduler() throws Exception {
        BridgeProcess bridge = startBridge();
        awaitPendingPartitionsOwnedBy(Set.of(bridge.pid()));
        ConsumerGroupDescription group = describeGroup(topics.pendingGroup());
        assertEquals(1, group.members().size(), "one consumer of the pending topic per process: " + group);
        assertEquals(1, bridge.count(Pattern.compile("Dreamina bridge settings")),
                "the bridge is configured once:\n" + bridge.tail());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private BridgeProcess startBridge() throws Exception {
        return startBridge(env());
    }

    /**
     * Each bridge takes the lowest instance slot no live bridge of the test holds, as a StatefulSet's pods do: a
     * bridge started after a kill is the killed one's successor (same transactional ids: it aborts at once what its
     * predecessor left open), and two live bridges never share one.
     */
    private BridgeProcess startBridge(Map<String, String> env) throws Exception {
        Set<String> held = new HashSet<>();
        for (BridgeProcess running : bridges) {
            if (running.isAlive()) {
                held.add(slots.get(running));
            }
        }
        String slot = "slot-0";
        for (int i = 1; held.contains(slot); i++) {
            slot = "slot-" + i;
        }
        Map<String, String> withSlot = new HashMap<>(env);
        withSlot.putIfAbsent("DREAMINA_INSTANCE_ID", slot);
        BridgeProcess bridge = BridgeProcess.start(ROOT, withSlot, SESSION_TIMEOUT);
        slots.put(bridge, withSlot.get("DREAMINA_INSTANCE_ID"));
        bridges.add(bridge);
        bridge.awaitStarted(START);
        return bridge;
    }

    private Map<String, String> env() {
        Map<String, String> env = BridgeProcess.connectedEnvironment(api.baseUrl(), TOKEN, topics);
        env.put("DREAMINA_TOPIC_PENDING_PARTITIONS", "4");
        env.put("DREAMINA_POLL_INTERVAL", "300ms");
        env.put("DREAMINA_POLL_MAX_WAIT", "60s");
        env.put("DREAMINA_API_MAX_REQUESTS_PER_SECOND", "50");
        return env;
    }

    /**
     * Puts {@code n} tasks on the input topic, keyed by id, in a shuffled order of their finish times: each one
     * finishes between 0 and {@link #SPREAD} after it was put there (every tenth one fails: a dead letter). A task
     * is created in the simulator just before its id is sent, so a slow producer does not shorten the run.
     *
     * @return task id -> whether it ends "done"
     */
    private Map<String, Boolean> produceTasks(int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(42));
        Map<String, Boolean> tasks = new HashMap<>();
        for (int i : order) {
            Duration finish = Duration.ofMillis(SPREAD.toMillis() * i / n);
            boolean done = i % 10 != 9;
            SimulatedTask task = api.createTask(done ? TaskScript.done(finish) : TaskScript.failed(finish));
            tasks.put(task.id(), done);
            send(task.id());
        }
        return tasks;
    }

    private void send(String taskId) {
        kafka.send(topics.in(), taskId, taskId.getBytes(StandardCharsets.UTF_8));
    }

    private Tally tally() {
        TopicTally outputs = new TopicTally(KafkaBroker.bootstrapServers(), topics.out());
        tallies.add(outputs);
        TopicTally deadLetters = new TopicTally(KafkaBroker.bootstrapServers(), topics.dlq());
        tallies.add(deadLetters);
        return new Tally(outputs, deadLetters);
    }

    /**
     * Waits until the bridge has nothing left in hand (input and pending offsets committed to the end: every
     * outcome was written before its commit), then reads both topics completely and counts.
     */
    private Outcome finish(Map<String, Boolean> tasks, Tally tally) {
        within(QUIET)
                .untilAsserted(() -> assertTrue(kafka.lag(topics.group(), topics.in()) == 0
                                && kafka.lag(topics.pendingGroup(), topics.pending()) == 0,
                        () -> "input and pending offsets committed to the end: input lag "
                                + kafka.lag(topics.group(), topics.in())
                        + ", pending lag " + kafka.lag(topics.pendingGroup(), topics.pending())));
        return count(tasks);
    }

    private Outcome count(Map<String, Boolean> tasks) {
        List<ConsumerRecord<String, byte[]>> outputs = kafka.readAll(topics.out(), Duration.ofMillis(500));
        List<ConsumerRecord<String, byte[]>> deadLetters = kafka.readAll(topics.dlq(), Duration.ofMillis(500));
        return new Outcome(tasks, outputs, deadLetters);
    }

    /**
     * {@link Tally#awaitAll}, but a timeout (a loss) is reported in the summary line first, with the figures
     * counted so far, before it fails the test.
     */
    private long awaitAll(String scenario, Map<String, Boolean> tasks, Tally tally) throws IOException {
        try {
            return tally.awaitAll(tasks.keySet());
        } catch (ConditionTimeoutException timeout) {
            Outcome outcome = count(tasks);
            report(scenario, tasks.size(), outcome, "FAILED: not every task reached output or dead letter within "
                    + FINISH.toSeconds() + " s");
            throw timeout;
        }
    }

    /**
     * Waits until the pending group is stable with all 4 pending partitions assigned, and the processes owning them
     * are exactly {@code pids} (the bridge names its pending consumer {@code <group>.pending-<pid>}).
     */
    private void awaitPendingPartitionsOwnedBy(Set<Long> pids) {
        within(START).untilAsserted(() -> {
            ConsumerGroupDescription group = describeGroup(topics.pendingGroup());
            Set<Long> owners = new HashSet<>();
            int partitions = 0;
            for (MemberDescription member : group.members()) {
                int owned = member.assignment().topicPartitions().size();
                partitions += owned;
                if (owned > 0) {
                    owners.add(pidOf(member));
                }
            }
            assertTrue(group.groupState() == GroupState.STABLE && partitions == 4 && owners.equals(pids),
                    () -> "the pending partitions owned by the processes " + pids + ": "
                            + describeGroup(topics.pendingGroup()));
        });
    }

    /** Waits until the input group is stable with (at least) two members holding input partitions. */
    private void awaitInputShared() {
        within(START).untilAsserted(() -> {
            ConsumerGroupDescription group = describeGroup(topics.group());
            assertTrue(group.groupState() == GroupState.STABLE && group.members().stream()
                    .filter(member -> !member.assignment().topicPartitions().isEmpty()).count() >= 2,
                    () -> "the input partitions shared by two instances: " + describeGroup(topics.group()));
        });
    }

    private static long pidOf(MemberDescription member) {
        String clientId = member.clientId();
        try {
            return Long.parseLong(clientId.substring(clientId.lastIndexOf('-') + 1));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static ConsumerGroupDescription describeGroup(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("describe group " + group, e);
        }
    }

    private static void assertGracefulStop(BridgeProcess bridge) throws InterruptedException {
        int exit = bridge.terminate(STOP_BOUND);
        assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + bridge.tail());
    }

    private static void report(String scenario, int tasksIn, Outcome outcome, String notes) throws IOException {
        String line = String.join(" | ", scenario, String.valueOf(tasksIn), String.valueOf(outcome.outputs),
                String.valueOf(outcome.deadLetters), String.valueOf(outcome.duplicates),
                (outcome.missing.isEmpty() ? "" : "LOST " + outcome.missing.size() + "; ") + notes);
        System.out.println(line);
        Files.createDirectories(REPORT.getParent());
        if (!Files.exists(REPORT)) {
            Files.writeString(REPORT, "scenario | tasks in | output | dead-letter | duplicates | notes\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Files.writeString(REPORT, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }







    /** Running counts of the output and dead-letter topics, for the waits. */
    private static final class Tally {
        final TopicTally outputs;
        final TopicTally deadLetters;

        Tally(TopicTally outputs, TopicTally deadLetters) {
            this.outputs = outputs;
            this.deadLetters = deadLetters;
        }

        Tally refresh() {
            outputs.refresh();
            deadLetters.refresh();
            return this;
        }

        Set<String> terminalKeys() {
            Set<String> keys = new HashSet<>(outputs.keys());
            keys.addAll(deadLetters.keys());
            return keys;
        }

        /** Waits for {@code n} tasks on output or dead letter. @return how many there were */
        int awaitTerminal(int n) {
            return within(FINISH)
                    .alias(n + " tasks on output or dead letter")
                    .until(() -> refresh().terminalKeys().size(), seen -> seen >= n);
        }

        /** Takes in what a bridge wrote (and had acknowledged) until it went away: reads until a quiet poll. */
        Tally settle() {
            for (int i = 0; i < 100; i++) {
                int before = outputs.records() + deadLetters.records();
                refresh();
                if (outputs.records() + deadLetters.records() == before) {
                    break;
                }
            }
            return this;
        }

        /** Waits until every id is on output or dead letter. @return System.nanoTime() then */
        long awaitAll(Set<String> ids) {
            within(FINISH).untilAsserted(() -> assertTrue(refresh().terminalKeys().containsAll(ids), () -> {
                Set<String> missing = new HashSet<>(ids);
                missing.removeAll(terminalKeys());
                return "every task on output or dead letter; " + missing.size() + " missing, e.g. "
                        + missing.stream().limit(3).toList();
            }));
            return System.nanoTime();
        }
    }

    /** What the two topics hold at the end, against the tasks given. */
    private static final class Outcome {
        final int outputs;
        final int deadLetters;
        /** Records beyond the first for their key, over output and dead letter. */
        final int duplicates;
        final int keysTwice;
        final Map<String, Integer> keysMoreThanOnce = new HashMap<>();
        final Set<String> missing = new HashSet<>();
        private final Map<String, Integer> outputCounts = new HashMap<>();
        private final List<String> misrouted = new ArrayList<>();

        Outcome(Map<String, Boolean> tasks, List<ConsumerRecord<String, byte[]>> outputRecords,
                List<ConsumerRecord<String, byte[]>> deadLetterRecords) {
            outputs = outputRecords.size();
            deadLetters = deadLetterRecords.size();
            Map<String, Integer> byKey = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : outputRecords) {
                byKey.merge(record.key(), 1, Integer::sum);
                outputCounts.merge(record.key(), 1, Integer::sum);
                if (!Boolean.TRUE.equals(tasks.get(record.key()))) {
                    misrouted.add("output " + record.key());
                }
            }
            for (ConsumerRecord<String, byte[]> record : deadLetterRecords) {
                byKey.merge(record.key(), 1, Integer::sum);
                if (!Boolean.FALSE.equals(tasks.get(record.key()))
                        || !"task_failed".equals(header(record, "dreamina.error.code"))) {
                    misrouted.add("dead letter " + record.key() + " " + header(record, "dreamina.error.code")
                            + ": " + header(record, "dreamina.error.message"));
                }
            }
            byKey.forEach((key, n) -> {
                if (n > 1) {
                    keysMoreThanOnce.put(key, n);
                }
            });
            duplicates = byKey.values().stream().mapToInt(n -> n - 1).sum();
            keysTwice = keysMoreThanOnce.size();
            tasks.keySet().stream().filter(id -> !byKey.containsKey(id)).forEach(missing::add);
        }

        int outputCount(String key) {
            return outputCounts.getOrDefault(key, 0);
        }

        void assertNothingLost() {
            assertTrue(missing.isEmpty(), "lost " + missing.size() + " task(s): " + missing);
            assertTrue(misrouted.isEmpty(), "each task where its outcome says: " + misrouted);
        }
    }
}
