package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import cloud.acedata.dreamina.bridge.support.TopicTally;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A measurement, not part of {@code mvn verify}: one bridge jar killed with SIGKILL again and again while tasks
 * arrive steadily, restarted each time; at the end, loss (must be none) and the duplicates on the output per kill.
 * Runs only with {@code -Dcrash.loop=true}:
 * <pre>
 * mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashLoopIT \
 *     -Dfailsafe.failIfNoSpecifiedTests=false -Dcrash.loop=true [-Dcrash.loop.kills=10] [-Dcrash.loop.seed=12]
 * </pre>
 * The API answers in 300 ms; 50 tasks a second arrive, each finishing 1.2–2.8 poll intervals after it was sent
 * (done at its 2nd or 3rd poll). Each new instance is killed once it owns every pending partition (the killed one's
 * session has timed out) and a random number of tasks more have finished since: sometimes while it catches up on
 * what arrived meanwhile, sometimes in the steady state, always with tasks in flight. The duplicates that appear
 * between one kill and the next are that kill's: the next instance reads again what the killed one had not
 * committed (and ingests again the input records whose offsets it had not committed).
 */
@ExtendWith(KafkaBroker.class)
@EnabledIfSystemProperty(named = "crash.loop", matches = "true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashLoopIT {

    /** {@code -Dcrash.loop.guarantee=at-least-once} runs the loop without transactions. */
    private static final String GUARANTEE = System.getProperty("crash.loop.guarantee", "exactly-once");
    private static final String SCENARIO = "K2 kill -9 loop under a steady trickle (300 ms API latency, " + GUARANTEE
            + ")";
    private static final Path LOGS = Path.of("target", "crash-logs").toAbsolutePath();
    private static final int KILLS = Integer.getInteger("crash.loop.kills", 10);
    private static final long SEED = Long.getLong("crash.loop.seed", 12);
    private static final int TASKS_PER_SECOND = 50;
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration API_LATENCY = Duration.ofMillis(300);
    /** Tasks finished after a new instance took over, before it is killed: drawn from [MIN, MIN + SPAN). */
    private static final int KILL_AFTER_TASKS_MIN = 150;
    private static final int KILL_AFTER_TASKS_SPAN = 550;
    private static final int PENDING_PARTITIONS = 4;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WORK = Duration.ofSeconds(90);
    private static final Duration SETTLED_FOR = Duration.ofSeconds(3);
    /** After a SIGKILL the dead member leaves its groups when its session times out (6 s: the broker's minimum). */
    private static final String SESSION_TIMEOUT = "-Dcamel.component.kafka.session-timeout-ms=6000";

    private final Random random = new Random(SEED);
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    @Test
    void killedAgainAndAgainUnderATrickleLosesNothing() throws Exception {
        TestTopics topics = TestTopics.unique("crashloop");
        List<BridgeProcess> bridges = new ArrayList<>();
        try (TasksApiSimulator api = new TasksApiSimulator(Canary.TOKEN).latency(API_LATENCY).start();
             KafkaTestClient kafka = new KafkaTestClient(KafkaBroker.bootstrapServers());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     KafkaBroker.bootstrapServers()))) {
            kafka.createTopic(topics.in(), 4);
            kafka.createTopic(topics.out(), 3);
            kafka.createTopic(topics.dlq(), 1);
            Map<String, String> env = BridgeProcess.connectedEnvironment(api.baseUrl(), Canary.TOKEN, topics);
            env.put("DREAMINA_POLL_INTERVAL", POLL_INTERVAL.toMillis() + "ms");
            env.put("DREAMINA_TOPIC_PENDING_PARTITIONS", String.valueOf(PENDING_PARTITIONS));
            // One instance at a time, each the killed one's successor: it aborts what its predecessor left open.
            env.put("DREAMINA_INSTANCE_ID", "slot-0");
            env.put("DREAMINA_DELIVERY_GUARANTEE", GUARANTEE);
            long started = System.nanoTime();
            bridges.add(start(env));

            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            Random finishes = new Random(SEED + 1);
            trickle.scheduleAtFixedRate(() -> {
                long finish = POLL_INTERVAL.toMillis() * (12 + finishes.nextInt(17)) / 10;
                String id = api.createTask(TaskScript.done(Duration.ofMillis(finish))).id();
                kafka.send(topics.in(), id, id.getBytes(StandardCharsets.UTF_8));
                sent.add(id);
            }, 0, 1000 / TASKS_PER_SECOND, TimeUnit.MILLISECONDS);

            List<KillSeen> kills = new ArrayList<>();
            try (TopicTally outputs = new TopicTally(KafkaBroker.bootstrapServers(), topics.out())) {
                for (int k = 0; k < KILLS; k++) {
                    BridgeProcess current = bridges.get(bridges.size() - 1);
                    awaitTakeOver(admin, topics.pendingGroup(), current.pid());
                    awaitMoreFinished(outputs, KILL_AFTER_TASKS_MIN + random.nextInt(KILL_AFTER_TASKS_SPAN));
                    long pendingLag = kafka.lag(topics.pendingGroup(), topics.pending());
                    current.kill();
                    kills.add(new KillSeen(seconds(System.nanoTime() - started), pendingLag,
                            outputs.refresh().records() - outputs.keys().size()));
                    bridges.add(start(env));
                }
                // The last instance takes over and runs a while under the trickle; then the trickle stops.
                awaitTakeOver(admin, topics.pendingGroup(), bridges.get(bridges.size() - 1).pid());
                awaitMoreFinished(outputs, KILL_AFTER_TASKS_MIN);
                trickle.shutdown();
                assertTrue(trickle.awaitTermination(30, TimeUnit.SECONDS), "the trickle stopped");
                within(WORK).alias("every task on the output")
                        .until(() -> outputs.refresh().keys().containsAll(sent));
                within(WORK).during(SETTLED_FOR).alias("input and pending offsets committed to the end")
                        .until(() -> kafka.lag(topics.group(), topics.in()) == 0
                                && kafka.lag(topics.pendingGroup(), topics.pending()) == 0);
            }
            long took = System.nanoTime() - started;

            List<ConsumerRecord<String, byte[]>> out = kafka.readAll(topics.out(), Duration.ofMillis(500));
            List<ConsumerRecord<String, byte[]>> dead = kafka.readAll(topics.dlq(), Duration.ofMillis(500));
            Map<String, Integer> byKey = new HashMap<>();
            out.forEach(record -> byKey.merge(record.key(), 1, Integer::sum));
            int duplicates = out.size() - byKey.size();
            List<String> lost = sent.stream().filter(id -> !byKey.containsKey(id)).limit(5).toList();
            long lostCount = sent.stream().filter(id -> !byKey.containsKey(id)).count();
            List<Integer> perKill = perKill(kills, duplicates);
            Map<Integer, Long> keysByCount = new TreeMap<>(byKey.values().stream()
                    .collect(Collectors.groupingBy(n -> n, Collectors.counting())));

            String notes = String.format("%d kills in %.0f s (at %s s); duplicates per kill %s (sorted %s; before the "
                            + "first kill %d); pending records not committed at each kill %s; keys by times "
                            + "published %s",
                    kills.size(), seconds(took), kills.stream().map(k -> String.format("%.0f", k.at))
                            .collect(Collectors.joining(", ")), perKill, perKill.stream().sorted().toList(),
                    kills.isEmpty() ? 0 : kills.get(0).duplicates,
                    kills.stream().map(k -> String.valueOf(k.pendingLag)).collect(Collectors.joining(", ")),
                    keysByCount);
            ReliabilityReport.append(String.join(" | ", SCENARIO, String.valueOf(sent.size()),
                    String.valueOf(out.size()), String.valueOf(dead.size()), String.valueOf(duplicates),
                    (lostCount == 0 ? "" : "LOST " + lostCount + "; ") + notes));
            System.out.println("[reliability] " + SCENARIO + ": " + sent.size() + " tasks, " + out.size()
                    + " outputs, " + duplicates + " duplicates; " + notes);

            assertEquals(0, lostCount, "lost, e.g. " + lost);
            if (GUARANTEE.equals("exactly-once")) {
                assertEquals(0, duplicates, "exactly once: nothing published twice; per kill " + perKill);
            }
            assertEquals(0, dead.size(), "no task dead-lettered");
        } finally {
            keepLogs(bridges);
        }
    }

    /**
     * Waits until the instance with this pid owns every pending partition: the killed one's session has timed out and
     * the group was rebalanced (the bridge names its pending consumer {@code <group>.pending-<pid>}).
     */
    private static void awaitTakeOver(Admin admin, String group, long pid) {
        within(WORK).alias("the pending partitions owned by " + pid).until(() -> {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            int owned = 0;
            for (MemberDescription member : description.members()) {
                int partitions = member.assignment().topicPartitions().size();
                if (partitions > 0 && !member.clientId().endsWith("-" + pid)) {
                    return false;
                }
                owned += partitions;
            }
            return description.groupState() == GroupState.STABLE && owned == PENDING_PARTITIONS;
        });
    }

    /** Waits until {@code n} tasks more than now are on the output. */
    private static void awaitMoreFinished(TopicTally outputs, int n) {
        int target = outputs.refresh().keys().size() + n;
        within(WORK).alias(target + " tasks on the output").until(() -> outputs.refresh().keys().size() >= target);
    }

    /** The duplicates that appeared after each kill and before the next (the last: until the end). */
    private static List<Integer> perKill(List<KillSeen> kills, int duplicatesAtTheEnd) {
        List<Integer> perKill = new ArrayList<>();
        for (int i = 0; i < kills.size(); i++) {
            int until = i + 1 < kills.size() ? kills.get(i + 1).duplicates : duplicatesAtTheEnd;
            perKill.add(until - kills.get(i).duplicates);
        }
        return perKill;
    }

    private static BridgeProcess start(Map<String, String> env) throws Exception {
        BridgeProcess bridge = BridgeProcess.start(Path.of("").toAbsolutePath(), env, SESSION_TIMEOUT);
        bridge.awaitStarted(START);
        return bridge;
    }

    private static void keepLogs(List<BridgeProcess> bridges) throws Exception {
        Files.createDirectories(LOGS);
        for (int i = 0; i < bridges.size(); i++) {
            Files.writeString(LOGS.resolve("crashLoop-" + i + ".log"), bridges.get(i).log(), StandardCharsets.UTF_8);
            bridges.get(i).close();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * A kill: seconds since the run began, the pending group's lag just before it (records read or unread that
     * its commits had not passed), and the duplicates on the output just after it.
     */
    private record KillSeen(double at, long pendingLag, int duplicates) {
    }
}
