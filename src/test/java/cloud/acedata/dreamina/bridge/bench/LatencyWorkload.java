package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.bench.WorkloadResult.Target;
import cloud.acedata.dreamina.bridge.simulator.TaskScript;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * <b>latency</b>: the API answers every request 300 ms late; 5,000 tasks, each done 15 s after its first poll,
 * 1 s cadence, the bridge's default rate and batch. Can the bridge keep its request rate up when each request
 * takes 300 ms? Requests/s sustained over the busiest 10 s (target ≥ 45, 90 % of the client limit of 50), 429s
 * (target 0), drain time.
 */
final class LatencyWorkload implements Workload {

    static final int TASKS = 5_000;
    static final Duration API_LATENCY = Duration.ofMillis(300);
    static final Duration FINISH_AFTER_FIRST_POLL = Duration.ofSeconds(15);
    static final Duration CADENCE = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String describe(BenchSettings s) {
        return String.format("%,d tasks done 15 s after their first poll; the API answers 300 ms late, 60 requests/s; "
                + "cadence 1 s, default rate and batch", s.tasks(TASKS));
    }

    @Override
    public WorkloadResult run(BenchEnv env, boolean baseline) throws Exception {
        int n = env.settings().tasks(TASKS);
        Duration timeout = Workload.timeout(env, baseline);
        try (WorkloadRun run = new WorkloadRun(env, name(), baseline, 60, API_LATENCY)) {
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(run.createTask(TaskScript.done(FINISH_AFTER_FIRST_POLL).fromFirstPoll()).id());
            }
            run.startSubject(Map.of("dreamina.poll.interval", "1s"), CADENCE);
            run.feed(ids);
            boolean drained = run.awaitOutputs(timeout);
            WorkloadResult r = run.measure();
            Workload.noteIfCut(r, drained, baseline, timeout);
            r.setting("finishAfterFirstPollSeconds", FINISH_AFTER_FIRST_POLL.toSeconds());
            r.row("requests/s sustained over the busiest 10 s", r.number("sustainedRequestsPerSecondBusiest10s"),
                    "", Target.atLeast(45));
            r.row("429 answers", r.number("api429"), "", Target.atMost(0));
            r.row("drain time (first id in -> last output)", WorkloadResult.format(r.number("drainSeconds")) + " s");
            r.row("tasks done / fed", WorkloadResult.format(r.number("completed")) + " / " + n);
            return r;
        }
    }
}
