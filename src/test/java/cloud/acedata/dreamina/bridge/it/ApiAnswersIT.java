package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.Fault;
import cloud.acedata.dreamina.bridge.simulator.SimulatedTask;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;
import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.BridgeTestSupport;
import cloud.acedata.dreamina.bridge.support.LogRecorder;
import cloud.acedata.dreamina.bridge.support.ReliabilityReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answers that are not the API's, and failures nothing proves to be a task's (issue 14): a base URL that reaches
 * another service answering {@code 200 {"status":"ok"}}, and a restart during an outage with a task past max-wait.
 * Each writes a line to {@code target/reliability-report.txt}.
 */
class ApiAnswersIT extends BridgeTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Override
    protected String topicPrefix() {
        return "answers";
    }

    @Test
    void anotherServiceBehindTheBaseUrlOpensTheCircuitAndDeadLettersNothing() throws Exception {
        settings.put("dreamina.poll.max-wait", "2s");
        List<SimulatedTask> tasks = doneTasks(6);
        apiFaults.failAlways(Fault.notTheApi200());
        LogRecorder log = own(LogRecorder.start());
        BridgeInstance bridge = startBridge(settings);
        long start = System.nanoTime();
        tasks.forEach(task -> kafka.send(topics.in(), task.id(), task.id().getBytes(StandardCharsets.UTF_8)));

        within(DEADLINE)
                .alias("the circuit open: new input paused")
                .until(() -> bridge.context().getRouteController().getRouteStatus("ingest-tasks").isStopped());
        long openMs = (System.nanoTime() - start) / 1_000_000;
        long answered = apiFaults.faultCount();
        within(DEADLINE).alias("re-checked past max-wait").until(() -> apiFaults.faultCount() >= answered + 3);
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofSeconds(1)).isEmpty(), "nothing dead-lettered");
        assertEquals(1, log.count(entry -> entry.level().equals("ERROR") && entry.contains("not the Tasks API")),
                "said once");
        long foreign = apiFaults.faultCount();

        apiFaults.clearFaults();
        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), tasks.size(), DEADLINE);
        assertEquals(ids(tasks), out.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        ReliabilityReport.line("another service behind the base URL (200 {\"status\":\"ok\"})", tasks.size(),
                tasks.size(), 0, "circuit open " + openMs + " ms after the input; " + foreign
                        + " such answers over more than max-wait (2 s), input paused, said once, nothing "
                        + "dead-lettered; then every task finished");
    }

    @Test
    void aRestartDuringAnOutageDeadLettersNoTaskPastMaxWait() throws Exception {
        SimulatedTask task = doneTasks(1).get(0);
        kafka.createTopic(topics.pending(), 3);
        // Written by the instance that ran before the outage: its deadline passed while no bridge ran.
        long now = System.currentTimeMillis();
        kafka.send(topics.pending(), task.id(), task.id().getBytes(StandardCharsets.UTF_8),
                pendingHeaders(task, now - 60_000, now - 30_000, 7));
        apiFaults.failAlways(Fault.dropConnection());
        startBridge(settings);

        within(DEADLINE).alias("six requests without an answer (none after a dead letter)")
                .until(() -> apiFaults.faultCount() >= 6);
        long failed = apiFaults.faultCount();
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofSeconds(1)).isEmpty(),
                "no dead letter while the API is simply unreachable");

        apiFaults.clearFaults();
        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), 1, DEADLINE);
        assertEquals(task.id(), out.get(0).key());
        assertTrue(kafka.readAll(topics.dlq(), Duration.ofMillis(300)).isEmpty(), "nothing dead-lettered");
        ReliabilityReport.line("restart during an API outage, a task past max-wait", 1, 1, 0, failed
                + " requests without an answer (probes included), no dead letter; published once the API answered");
    }

    /**
     * Clock skew: the task was written by an instance whose clock leads by 10 minutes (its due time 10 minutes ahead
     * of this instance's clock); this instance, whose clock is right, polls it at once instead of pausing the
     * partition for the skew.
     */
    @Test
    void aDueTimeWrittenByAClockTenMinutesAheadIsPolledAtOnce() throws Exception {
        SimulatedTask task = doneTasks(1).get(0);
        kafka.createTopic(topics.pending(), 3);
        long leadingNow = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        kafka.send(topics.pending(), task.id(), task.id().getBytes(StandardCharsets.UTF_8),
                pendingHeaders(task, leadingNow + 200, leadingNow + 30_000, 0));
        startBridge(settings);
        long start = System.nanoTime();

        List<ConsumerRecord<String, byte[]>> out = kafka.awaitRecords(topics.out(), 1, DEADLINE);
        long publishedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(task.id(), out.get(0).key());
        ReliabilityReport.line("a due time written by a clock 10 min ahead", 1, 1, 0,
                "published " + publishedMs + " ms after the bridge started (not paused for the skew)");
    }

    /** The headers of a task's pending record, as an earlier (or another) instance wrote them. */
    private Map<String, String> pendingHeaders(SimulatedTask task, long due, long deadline, int polls) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("dreamina.task.id", task.id());
        headers.put("dreamina.origin.topic", topics.in());
        headers.put("dreamina.origin.partition", "0");
        headers.put("dreamina.origin.offset", "0");
        headers.put("dreamina.pending.due", String.valueOf(due));
        headers.put("dreamina.pending.deadline", String.valueOf(deadline));
        headers.put("dreamina.pending.polls", String.valueOf(polls));
        return headers;
    }

    private List<SimulatedTask> doneTasks(int count) {
        List<SimulatedTask> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(api.createTask(TaskScript.done(Duration.ofMillis(300))));
        }
        return tasks;
    }

    private static Set<String> ids(List<SimulatedTask> tasks) {
        return tasks.stream().map(SimulatedTask::id).collect(Collectors.toSet());
    }
}
