package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.api.Backoff;
import cloud.acedata.dreamina.bridge.schedule.BatchHandler;
import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import cloud.acedata.dreamina.bridge.schedule.PendingTaskScheduler;
import cloud.acedata.dreamina.bridge.support.KafkaBroker;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pending-task scheduler alone, against the real broker, with a scripted {@link BatchHandler} in place of the
 * API and the outcome writes: ordered commits while several batches are in flight, a failed write in the middle of
 * a batch, the isolation of a failing request, a bounded stop, the rate budget following the assignment, and a
 * crashed loop.
 */
@ExtendWith(KafkaBroker.class)
class PendingTaskSchedulerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private KafkaTestClient kafka;
    private String topic;
    private String group;
    private final List<PendingTaskScheduler> schedulers = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    /** Each task id with how many times it was handed to the handler. */
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    /** Each task id with how many times its outcome was reported written. */
    private final Map<String, AtomicInteger> written = new ConcurrentHashMap<>();
    /** Each task id with how many times it was written back to wait. */
    private final Map<String, AtomicInteger> writtenBack = new ConcurrentHashMap<>();
    /** Every batch handed over, as its task ids. */
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<String> shares = new CopyOnWriteArrayList<>();
    private final AtomicInteger fatal = new AtomicInteger();
    /** Settings a test may change before it starts schedulers. */
    private Duration parkAfter = PendingTaskScheduler.PARK_AFTER;
    private String assignor;
    private Duration apiLatency = Duration.ZERO;
    /** Whether a task's first poll finds it unfinished (a copy is written back, as poll-tasks does). */
    private boolean unfinishedAtFirstPoll;
    /** Runs once a batch is claimed for writing, before its outcomes count as written (a slow write). */
    private java.util.function.Consumer<List<String>> whileWriting = ids -> { };

    @BeforeEach
    void topic() {
        kafka = KafkaTestClient.ofSharedBroker();
        topic = KafkaTestClient.uniqueName("sched");
        group = topic + ".group";
    }

    @AfterEach
    void stop() throws Exception {
        for (PendingTaskScheduler scheduler : schedulers) {
            scheduler.stop();
        }
        executors.forEach(ExecutorService::shutdownNow);
        kafka.close();
    }

    private void produce(int partitions, int count) {
        kafka.createTopic(topic, partitions);
        for (int i = 0; i < count; i++) {
            kafka.send(topic, "t" + i, ("t" + i).getBytes(StandardCharsets.UTF_8),
                    Map.of(BridgeHeaders.TASK_ID, "t" + i, BridgeHeaders.PENDING_DUE, "0"));
        }
    }

    private PendingTaskScheduler start(int batchSize, int maxInFlight, Duration stopTimeout,
                                       Function<List<String>, BatchResult> script,
                                       PendingTaskScheduler.RateShare rateShare) {
        BatchHandler handler = new BatchHandler() {
            @Override
            public BatchResult handle(List<PendingTask> tasks, BatchTicket ticket) {
                List<String> ids = tasks.stream().map(PendingTask::taskId).toList();
                batches.add(ids);
                ids.forEach(id -> handled.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
                apiLatency();
                BatchResult result = script.apply(ids);
                if (result.kind() == BatchResult.Kind.DONE && !ticket.claimForWriting()) {
                    return BatchResult.abandoned();
                }
                whileWriting.accept(ids);
                for (int i = 0; i < ids.size(); i++) {
                    if (!result.isWritten(i)) {
                        continue;
                    }
                    PendingTask task = tasks.get(i);
                    if (unfinishedAtFirstPoll && task.polls() == 0) {
                        // As poll-tasks writes a task not finished yet: a copy, due again, polls + 1.
                        Map<String, String> headers = headersOf(task);
                        headers.put(BridgeHeaders.PENDING_DUE, String.valueOf(System.currentTimeMillis() + 300));
                        headers.put(BridgeHeaders.PENDING_POLLS, "1");
                        kafka.send(topic, task.taskId(), task.value(), headers);
                    } else {
                        written.computeIfAbsent(ids.get(i), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return result;
            }

            /** As the bridge does: each task back on the pending topic, its headers as the scheduler set them. */
            @Override
            public BatchResult writeBack(List<PendingTask> tasks, BatchTicket ticket) {
                if (!ticket.claimForWriting()) {
                    return BatchResult.abandoned();
                }
                for (PendingTask task : tasks) {
                    kafka.send(topic, task.taskId(), task.value(), headersOf(task));
                    writtenBack.computeIfAbsent(task.taskId(), k -> new AtomicInteger()).incrementAndGet();
                }
                return BatchResult.done(tasks.size());
            }
        };
        ExecutorService loop = Executors.newSingleThreadExecutor();
        ExecutorService workers = Executors.newFixedThreadPool(maxInFlight);
        executors.add(loop);
        executors.add(workers);
        PendingTaskScheduler scheduler = new PendingTaskScheduler(() -> new KafkaConsumer<>(consumerProperties()),
                new PendingTaskScheduler.Settings(topic, batchSize, maxInFlight, Duration.ZERO, Duration.ofSeconds(5),
                        Duration.ofMillis(200), Duration.ofSeconds(1), stopTimeout, parkAfter),
                handler, () -> Instant.EPOCH, rateShare,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ZERO, new SplittableRandom(1)),
                loop, workers, e -> fatal.incrementAndGet(), Clock.systemUTC());
        schedulers.add(scheduler);
        scheduler.start();
        return scheduler;
    }

    private PendingTaskScheduler start(int batchSize, int maxInFlight, Function<List<String>, BatchResult> script) {
        return start(batchSize, maxInFlight, Duration.ofSeconds(5), script,
                (owned, total) -> shares.add(owned + "/" + total));
    }

    private static Map<String, String> headersOf(PendingTask task) {
        Map<String, String> headers = new LinkedHashMap<>();
        task.headers().keySet().forEach(name -> headers.put(name, task.header(name)));
        return headers;
    }

    /** The API's answer takes this long (a simulated latency, as the real API's hundreds of milliseconds). */
    private void apiLatency() {
        if (!apiLatency.isZero()) {
            try {
                Thread.sleep(apiLatency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        if (assignor != null) {
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        }
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    private static BatchResult done(List<String> ids) {
        return BatchResult.done(ids.size());
    }

    private int times(String id) {
        AtomicInteger count = handled.get(id);
        return count == null ? 0 : count.get();
    }

    private int writes(String id) {
        AtomicInteger count = written.get(id);
        return count == null ? 0 : count.get();
    }

    private long committed() {
        return kafka.committedOffset(group, topic);
    }

    /** Waits until the scheduler's loop went round after {@code since} a few times (it commits on every round). */
    private static void loopsAfter(PendingTaskScheduler scheduler, Instant since) {
        Instant later = since.plusMillis(200);
        within(DEADLINE).alias("the loop going round").until(() -> scheduler.lastLoopCompletedAt().isAfter(later));
    }

    /**
     * What a stop leaves behind when one record's offset could not be committed but the copy of a later task was
     * written back: the partition holds t0, t1 and t1's copy, all due. Read again, t1 is asked for once (its copy
     * stands for it), and the commit passes all three: no second output for t1.
     */
    @Test
    void aTaskReadAgainWithItsWrittenBackCopyIsHandledOnceAndCommittedPastBoth() {
        kafka.createTopic(topic, 1);
        for (String id : List.of("t0", "t1", "t1")) {
            kafka.send(topic, id, id.getBytes(StandardCharsets.UTF_8),
                    Map.of(BridgeHeaders.TASK_ID, id, BridgeHeaders.PENDING_DUE, "0"));
        }
        start(50, 1, PendingTaskSchedulerIT::done);

        within(DEADLINE).untilAsserted(() -> assertTrue(committed() == 3, () -> "all three committed: " + committed()));
        assertEquals(1, times("t1"), "t1 asked for once: " + batches);
        assertEquals(1, times("t0"));
    }

    @Test
    void withBatchesInFlightTheCommitNeverPassesATaskWhoseOutcomeIsNotAcknowledged() throws Exception {
        produce(1, 6);
        CountDownLatch slowFirst = new CountDownLatch(1);
        PendingTaskScheduler scheduler = start(2, 3, ids -> {
            if (ids.contains("t0")) {
                await(slowFirst);
            }
            return done(ids);
        });

        within(DEADLINE).alias("the later batches handled").until(() -> times("t2") == 1 && times("t5") == 1);
        loopsAfter(scheduler, Instant.now());
        assertTrue(committed() <= 0, "nothing committed past t0, whose batch is still in flight: " + committed());
        assertEquals(3, batches.size(), "three batches in flight at once");

        slowFirst.countDown();
        within(DEADLINE)
                .untilAsserted(() -> assertTrue(committed() == 6,
                        () -> "all committed once t0's batch finished: " + committed()));
        handled.forEach((id, count) -> assertEquals(1, count.get(), id + " handled once"));
    }

    @Test
    void aFailedWriteInTheMiddleOfABatchReadsAgainOnlyTheTaskNotWritten() throws Exception {
        produce(1, 6);
        AtomicInteger failures = new AtomicInteger();
        PendingTaskScheduler scheduler = start(2, 3, ids -> {
            if (ids.equals(List.of("t2", "t3")) && failures.getAndIncrement() == 0) {
                BitSet written = new BitSet();
                written.set(0);
                return new BatchResult(BatchResult.Kind.WRITE_FAILED, written, "t3's write failed", null);
            }
            return done(ids);
        });

        within(DEADLINE).untilAsserted(() -> assertTrue(committed() == 6, () -> "all committed: " + committed()));
        assertEquals(2, times("t3"), "t3 read again and handled again");
        for (String id : List.of("t0", "t1", "t2", "t4", "t5")) {
            assertEquals(1, times(id), id + " handled once: an acknowledged outcome is never written twice");
            assertEquals(1, writes(id), id + " written once");
        }
        assertTrue(scheduler.isRunning());
    }

    @Test
    void aRequestThatKeepsFailingIsSplitUntilTheFailingTaskStandsAlone() throws Exception {
        produce(1, 8);
        start(8, 2, ids -> ids.contains("t5") ? BatchResult.requestFailed("500 naming t5") : done(ids));

        within(DEADLINE)
                .untilAsserted(() -> assertTrue(batches.stream().filter(b -> b.equals(List.of("t5"))).count() >= 3,
                        () -> "t5 alone, on its own backoff: " + batches));
        for (int i = 0; i < 8; i++) {
            if (i != 5) {
                assertEquals(1, writes("t" + i), "t" + i + " finished once, not held back by t5");
            }
        }
        List<Integer> sizesWithT5 = batches.stream().filter(b -> b.contains("t5")).map(List::size).toList();
        assertEquals(List.of(8, 4, 2, 1), sizesWithT5.subList(0, 4), "halved until alone: " + batches);
        assertTrue(committed() <= 5, "nothing committed past t5: " + committed());
    }

    @Test
    void aStopGivesUpABatchStillWaitingForTheApiWritesNothingOfItAndCommitsTheRest() throws Exception {
        produce(1, 4);
        CountDownLatch never = new CountDownLatch(1);
        PendingTaskScheduler scheduler = start(1, 4, Duration.ofSeconds(1), ids -> {
            if (ids.contains("t3")) {
                await(never);
            }
            return done(ids);
        }, (owned, total) -> { });
        within(DEADLINE).alias("t0..t2 done, t3 waiting").until(() -> times("t3") == 1 && committed() == 3);

        long start = System.nanoTime();
        assertTrue(scheduler.stop(), "stopped within its bound");
        long stopMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(stopMs < 7_000, "stop took " + stopMs + " ms");
        assertFalse(scheduler.isRunning());
        never.countDown();
        assertEquals(3, committed(), "t3 not committed: the next owner reads it again");
    }

    /**
     * A stop leaves a gap: t1 is still waiting for the API at the stop bound (given up), t0 and t2..t5 are done.
     * The commit can only say "before t1"; its metadata says t2..t5 are done too. The next owner handles t1 alone.
     */
    @Test
    void theRecordsDoneBeyondAGapAtAStopAreNotHandledAgainByTheNextOwner() throws Exception {
        produce(1, 6);
        CountDownLatch never = new CountDownLatch(1);
        PendingTaskScheduler first = start(1, 6, Duration.ofSeconds(1), ids -> {
            if (ids.contains("t1")) {
                await(never);
            }
            return done(ids);
        }, (owned, total) -> { });
        within(DEADLINE).alias("all but t1 done").until(() -> Stream.of("t0", "t2", "t3", "t4", "t5")
                .allMatch(id -> writes(id) == 1) && times("t1") == 1);
        assertTrue(first.stop(), "stopped within its bound");
        never.countDown();
        assertEquals(1, committed(), "the commit stops before t1");

        start(1, 6, PendingTaskSchedulerIT::done);

        within(DEADLINE).alias("everything committed").until(() -> committed() == 6);
        assertEquals(2, times("t1"), "t1, given up at the stop, handled by the next owner");
        for (String id : List.of("t0", "t2", "t3", "t4", "t5")) {
            assertEquals(1, times(id), id + " done before the stop: not handled again " + batches);
        }
    }

    @Test
    void theRateBudgetFollowsEachInstancesShareOfThePartitions() throws Exception {
        produce(4, 0);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        start(2, 2, Duration.ofSeconds(5), PendingTaskSchedulerIT::done, (o, t) -> first.add(o + "/" + t));
        within(DEADLINE)
                .untilAsserted(() -> assertTrue(!first.isEmpty() && first.get(first.size() - 1).equals("4/4"),
                        () -> "alone: all four partitions " + first));
        PendingTaskScheduler other = start(2, 2, Duration.ofSeconds(5), PendingTaskSchedulerIT::done,
                (o, t) -> second.add(o + "/" + t));
        within(DEADLINE)
                .untilAsserted(() -> assertTrue(last(first).equals("2/4") && last(second).equals("2/4"),
                        () -> "two instances: half each " + first + " " + second));
        other.stop();
        within(DEADLINE).untilAsserted(() -> assertTrue(last(first).equals("4/4"), () -> "alone again: " + first));
    }

    @Test
    void aCrashedLoopIsRestartedAndKeepsCrashingStopsTheBridge() throws Exception {
        produce(1, 2);
        AtomicInteger crashes = new AtomicInteger();
        start(2, 1, Duration.ofSeconds(5), PendingTaskSchedulerIT::done, (owned, total) -> {
            if (owned > 0 && crashes.getAndIncrement() == 0) {
                throw new IllegalStateException("a bug in the loop");
            }
        });
        within(DEADLINE).alias("handled after the restart").until(() -> committed() == 2);
        assertEquals(0, fatal.get());

        group = group + "-always";
        PendingTaskScheduler doomed = start(2, 1, Duration.ofSeconds(5), PendingTaskSchedulerIT::done,
                (owned, total) -> {
                    throw new IllegalStateException("a bug every time");
                });
        within(Duration.ofSeconds(60)).alias("the bridge told to stop").until(() -> fatal.get() == 1);
        assertFalse(doomed.isRunning());
    }

    /**
     * One task whose every request fails, at the head of its partition, with tasks behind it: it waits on its own
     * backoff written back to the pending topic, so the commit passes it and everything done behind it, while it
     * keeps failing (before, the commit stayed at its offset for the whole max-wait).
     */
    @Test
    void aTaskFailingAtTheHeadOfItsPartitionDoesNotHoldTheCommit() {
        parkAfter = Duration.ZERO;
        produce(1, 10);
        start(1, 2, ids -> ids.contains("t0") ? BatchResult.requestFailed("500 naming t0") : done(ids));

        within(DEADLINE).alias("t0 written back at least twice, the commit past every original record")
                .until(() -> writtenBackTimes("t0") >= 2 && committed() >= 10);
        for (int i = 1; i < 10; i++) {
            assertEquals(1, writes("t" + i), "t" + i + " done once");
        }
        assertEquals(0, writes("t0"), "t0 still failing: never written as done");
    }

    /**
     * After a crash the next owner reads a record (t1) and the copy of it the crashed owner had written back (the
     * commit was still before t1). It handles t1 itself: the old copy is stale and not polled — polled, it would
     * publish the task a second time. A copy whose source the crashed owner had committed (t0's) is live.
     */
    @Test
    void aCopyWrittenBackByACrashedOwnerOfARecordHandledAgainIsNotPolled() {
        kafka.createTopic(topic, 1);
        long later = System.currentTimeMillis() + 1_500;
        kafka.sendTo(topic, 0, "t0", new byte[0], Map.of(BridgeHeaders.TASK_ID, "t0",
                BridgeHeaders.PENDING_DUE, "0"));
        kafka.sendTo(topic, 0, "t1", new byte[0], Map.of(BridgeHeaders.TASK_ID, "t1",
                BridgeHeaders.PENDING_DUE, "0"));
        kafka.sendTo(topic, 0, "t0", new byte[0], Map.of(BridgeHeaders.TASK_ID, "t0",
                BridgeHeaders.PENDING_DUE, String.valueOf(later), BridgeHeaders.PENDING_SOURCE, "0:0:crashed"));
        kafka.sendTo(topic, 0, "t1", new byte[0], Map.of(BridgeHeaders.TASK_ID, "t1",
                BridgeHeaders.PENDING_DUE, String.valueOf(later), BridgeHeaders.PENDING_SOURCE, "0:1:crashed"));
        kafka.commit(group, topic, 0, 1);

        start(50, 1, PendingTaskSchedulerIT::done);

        within(DEADLINE).alias("everything committed").until(() -> committed() == 4);
        assertEquals(1, writes("t1"), "t1 read again from the commit and published; its copy (source 1, read "
                + "again here) is stale and not polled: " + batches);
        assertEquals(1, times("t1"), "t1 asked for once: " + batches);
        assertEquals(1, writes("t0"), "t0's copy is live (its source was committed): published once " + batches);
    }

    /**
     * A batch mixing two partitions waits for the API when one of its partitions is revoked (a second instance
     * joins). Given up at the stop bound, its records of the partition kept wait again here, those of the partition
     * gone are read by the new owner: every task published exactly once, every commit at the end.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "org.apache.kafka.clients.consumer.RangeAssignor"})
    void aBatchSpanningPartitionsGivenUpAtARevocationHandsBackTheRecordsOfThePartitionKept(String strategy) {
        assignor = strategy;
        kafka.createTopic(topic, 2);
        // Due together a little later: both partitions wait, resume together, and their tasks interleave by due time.
        long due = System.currentTimeMillis() + 3_000;
        for (int i = 0; i < 10; i++) {
            for (int p = 0; p < 2; p++) {
                String id = (p == 0 ? "a" : "b") + i;
                kafka.sendTo(topic, p, id, new byte[0], Map.of(BridgeHeaders.TASK_ID, id,
                        BridgeHeaders.PENDING_DUE, String.valueOf(due + 2 * i + p)));
            }
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger mixed = new AtomicInteger();
        Function<List<String>, BatchResult> script = ids -> {
            boolean both = ids.stream().anyMatch(id -> id.startsWith("a"))
                    && ids.stream().anyMatch(id -> id.startsWith("b"));
            if (both && mixed.getAndIncrement() == 0) {
                await(release);
            }
            return done(ids);
        };
        try {
            start(4, 2, Duration.ofSeconds(1), script, (owned, total) -> { });
            within(DEADLINE).alias("a batch of both partitions waiting for the API")
                    .until(() -> mixed.get() >= 1);

            start(4, 2, Duration.ofSeconds(1), script, (owned, total) -> { });

            within(DEADLINE).alias("every task published").until(() -> written.size() == 20);
            within(DEADLINE).alias("both partitions committed to their end")
                    .until(() -> List.copyOf(kafka.committedOffsets(group, topic).values()).equals(List.of(10L, 10L)));
            written.forEach((id, count) -> assertEquals(1, count.get(), id + " published once: " + batches));
        } finally {
            release.countDown();
        }
    }

    /**
     * Scale-out and graceful scale-in under load: 600 tasks, each unfinished at its first poll (written back, due
     * 300 ms later), the API answering in 300 ms; a second and a third instance join, then the second stops.
     * Every task published exactly once.
     */
    @Test
    void scaleOutAndGracefulScaleInUnderLoadLoseAndDuplicateNothing() throws Exception {
        apiLatency = Duration.ofMillis(300);
        unfinishedAtFirstPoll = true;
        produce(6, 600);
        start(10, 4, Duration.ofSeconds(5), PendingTaskSchedulerIT::done, (owned, total) -> { });
        within(DEADLINE).alias("100 published").until(() -> written.size() >= 100);
        PendingTaskScheduler second = start(10, 4, Duration.ofSeconds(5), PendingTaskSchedulerIT::done,
                (owned, total) -> { });
        within(DEADLINE).alias("250 published").until(() -> written.size() >= 250);
        start(10, 4, Duration.ofSeconds(5), PendingTaskSchedulerIT::done, (owned, total) -> { });
        within(DEADLINE).alias("400 published").until(() -> written.size() >= 400);
        assertTrue(second.stop(), "the second instance stopped within its bound");

        within(Duration.ofSeconds(90)).alias("all 600 published").until(() -> written.size() == 600);
        within(DEADLINE).alias("the pending group caught up").until(() -> kafka.lag(group, topic) == 0);
        written.forEach((id, count) -> assertEquals(1, count.get(), id + " published once"));
    }

    /**
     * A partition revoked while one of its batches is writing (longer than the stop bound and the write grace) and
     * assigned back to the same instance before that write ends: the new assignment waits for the late result, skips
     * the outcomes it acknowledged and handles the rest — every task published exactly once. (Before, the late
     * result was dropped and the records read again: the slow batch's tasks were published twice.)
     */
    @Test
    void aPartitionAssignedBackWhileALateWriteIsStillComingPublishesEachTaskOnce() throws Exception {
        assignor = "org.apache.kafka.clients.consumer.RangeAssignor";
        produce(1, 4);
        CountDownLatch slowWrite = new CountDownLatch(1);
        AtomicInteger writing = new AtomicInteger();
        whileWriting = ids -> {
            if (ids.contains("t0") && writing.getAndIncrement() == 0) {
                await(slowWrite);
            }
        };
        List<String> assignments = new CopyOnWriteArrayList<>();
        start(2, 2, Duration.ofSeconds(1), PendingTaskSchedulerIT::done, (o, t) -> assignments.add(o + "/" + t));
        try {
            within(DEADLINE).alias("t0's batch writing").until(() -> writing.get() == 1);
            int before = assignments.size();
            // Another member of the group, on another topic: the group rebalances (eager: every partition revoked)
            // and the pending partition comes back to this instance while t0's batch is still writing.
            String other = topic + ".other";
            kafka.createTopic(other, 1);
            Properties p = consumerProperties();
            try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(p)) {
                member.subscribe(List.of(other));
                within(DEADLINE).alias("the pending partition assigned back").until(() -> {
                    member.poll(Duration.ofMillis(50));
                    return assignments.size() > before && last(assignments).equals("1/1");
                });
                slowWrite.countDown();
                within(DEADLINE).alias("everything committed").until(() -> {
                    member.poll(Duration.ofMillis(50));
                    return committed() == 4;
                });
            }
        } finally {
            slowWrite.countDown();
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(1, writes("t" + i), "t" + i + " published once: " + batches);
        }
    }

    private int writtenBackTimes(String id) {
        AtomicInteger count = writtenBack.get(id);
        return count == null ? 0 : count.get();
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? "" : values.get(values.size() - 1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
