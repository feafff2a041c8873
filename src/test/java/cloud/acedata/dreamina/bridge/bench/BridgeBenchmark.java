package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.local.EmbeddedKafka;
import cloud.acedata.dreamina.bridge.support.KafkaTestClient;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bridge's benchmark: a plain {@code main}, not a test (never run by {@code mvn verify}).
 *
 * <pre>
 * mvn -q -Pbench test-compile exec:exec -Dbench.scenario=latency|throughput|realistic|trickle|scale|baseline|all \
 *     [-Dbench.scale=0.05] [-Dbench.max-in-flight=N] [-Dbench.coalesce=…] [-Dbench.guarantees=exactly-once,at-least-once]
 * mvn -q -Pbench -DskipTests package exec:exec -Dbench.scenario=process|guarantees [-Dbench.rounds=3]
 * </pre>
 *
 * <p>Everything runs in this JVM, on loopback: one embedded Kafka broker, one Tasks API simulator per workload,
 * and the subject — the bridge exactly as the jar builds it ({@code support/BridgeInstance}: routes/ and config/ of
 * the working directory), or the {@link BaselineRoute}. Each workload ({@link LatencyWorkload},
 * {@link ThroughputWorkload}, {@link RealisticWorkload}, {@link TrickleWorkload}, {@link ScaleWorkload}) prints its
 * table rows, targets beside the figures, and writes {@code target/bench/<workload>.json}; the baseline's runs and
 * its ratios to the bridge go to {@code target/bench/baseline.json}. With {@code bench.guarantees} naming both
 * guarantees (the {@code guarantees} scenario's default), each bridge workload runs under each, and
 * {@link GuaranteeComparison} sets them side by side in {@code target/bench/guarantees.json}. Settings:
 * {@link BenchSettings}.
 */
public final class BridgeBenchmark {

    private static final List<Workload> WORKLOADS = List.of(new LatencyWorkload(), new ThroughputWorkload(),
            new RealisticWorkload(), new TrickleWorkload(), new ScaleWorkload(), new ProcessWorkload());

    private BridgeBenchmark() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run(BenchSettings.from(System.getProperties()));
        } catch (Exception | AssertionError failure) {
            System.out.flush();
            System.err.println("benchmark failed: " + failure);
            failure.printStackTrace();
            status = 1;
        }
        System.out.flush();
        // Kafka and Camel leave non-daemon threads behind: the benchmark is over either way.
        System.exit(status);
    }

    private static void run(BenchSettings settings) throws Exception {
        // One INFO line per published task would drown the report.
        Configurator.setLevel("dreamina.bridge.output", Level.WARN);
        ReportWriter writer = new ReportWriter(Path.of("target", "bench"), settings);
        ReportTable table = new ReportTable(System.out);
        System.out.println("# dreamina-bridge benchmark");
        System.out.println("run: " + writer.run().get("date") + ", commit " + writer.run().get("gitCommit") + ", "
                + writer.run().get("machine"));
        System.out.println("command: " + writer.run().get("command"));
        System.out.println("in this JVM: " + writer.run().get("inThisJvm"));
        ReportWriter.MEASUREMENT.forEach((what, how) -> System.out.println("measured: " + what + ": " + how));

        List<WorkloadResult> all = new ArrayList<>();
        Map<String, WorkloadResult> bridgeResults = new LinkedHashMap<>();
        Map<String, WorkloadResult> baselineResults = new LinkedHashMap<>();
        // Workload -> guarantee -> its runs, in the order run.
        Map<String, Map<String, List<WorkloadResult>>> byGuarantee = new LinkedHashMap<>();
        long started = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            BenchEnv env = new BenchEnv(settings, kafka.bootstrapServers(), client);
            for (Workload workload : WORKLOADS) {
                if (settings.runsBridge(workload.name())) {
                    List<WorkloadResult> runs = new ArrayList<>();
                    for (int round = 0; round < settings.rounds(); round++) {
                        for (Optional<String> guarantee : settings.guaranteeOrder(round)) {
                            WorkloadResult result = workload.run(env.withGuarantee(guarantee), false);
                            table.print(result, workload.describe(settings));
                            runs.add(result);
                            System.out.println("written: " + Path.of("target", "bench").relativize(
                                    writer.write(workload.name(), runs)));
                            guarantee.ifPresent(g -> byGuarantee.computeIfAbsent(workload.name(),
                                    name -> new LinkedHashMap<>()).computeIfAbsent(g, name -> new ArrayList<>())
                                    .add(result));
                            all.add(result);
                        }
                    }
                    bridgeResults.put(workload.name(), runs.get(0));
                }
                if (settings.runsBaseline(workload.name())) {
                    WorkloadResult result = workload.run(env, true);
                    table.print(result, workload.describe(settings));
                    baselineResults.put(workload.name(), result);
                    all.add(result);
                }
            }
        }
        if (settings.comparesGuarantees() && !byGuarantee.isEmpty()) {
            all.add(compareGuarantees(settings, writer, table, byGuarantee));
        }
        if (!baselineResults.isEmpty()) {
            WorkloadResult ratios = new WorkloadResult(BenchSettings.BASELINE, "baseline vs bridge");
            ratios.setting("consumers", settings.baselineConsumers());
            ratios.note("baseline: Camel loop + delay + one retrieve per task inside the Kafka consumer, "
                    + settings.baselineConsumers() + " consumers (consumersCount) on as many input partitions, one "
                    + "record per poll; stopped after " + settings.baselineMaxTime().toSeconds() + " s per workload.");
            ratios.note("the baseline's per-task figures cover the tasks it finished before its limit; in latency, "
                    + "realistic and trickle a task's completion counts from its first poll, so each cost the "
                    + "baseline what it costs when it keeps up.");
            for (Map.Entry<String, WorkloadResult> entry : baselineResults.entrySet()) {
                WorkloadResult bridge = bridgeResults.get(entry.getKey());
                Comparison.add(ratios, entry.getKey(), bridge != null ? bridge.figures()
                        : writer.readBridgeFigures(entry.getKey()), entry.getValue());
            }
            table.print(ratios, null);
            List<WorkloadResult> baselineFile = new ArrayList<>(baselineResults.values());
            baselineFile.add(ratios);
            System.out.println("written: " + Path.of("target", "bench").relativize(
                    writer.write(BenchSettings.BASELINE, baselineFile)));
            all.add(ratios);
        }
        System.out.println();
        System.out.println("## summary");
        table.summary(all);
        System.out.printf("%ntotal wall time %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** exactly-once beside at-least-once ({@link GuaranteeComparison}): printed and written to guarantees.json. */
    private static WorkloadResult compareGuarantees(BenchSettings settings, ReportWriter writer, ReportTable table,
                                                    Map<String, Map<String, List<WorkloadResult>>> byGuarantee)
            throws IOException {
        long commitIntervalMs = settings.commitIntervalMillis(Path.of("config", "application.properties"));
        WorkloadResult comparison = GuaranteeComparison.result(commitIntervalMs, settings.rounds());
        byGuarantee.forEach((workload, runs) -> GuaranteeComparison.add(comparison, workload,
                runs.get(BenchSettings.EXACTLY_ONCE), runs.get(BenchSettings.AT_LEAST_ONCE), commitIntervalMs));
        table.print(comparison, null);
        System.out.println("written: " + Path.of("target", "bench").relativize(
                writer.write(GuaranteeComparison.NAME, List.of(comparison))));
        return comparison;
    }
}
