package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.TestTopics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every knob of the benchmark, from {@code bench.*} system properties (defaults in brackets):
 * <ul>
 *   <li>{@code bench.scenario} [all]: latency, throughput, realistic, trickle, scale, baseline, process or all
 *       (several comma-separated); baseline runs the baseline route on {@code bench.baseline.workloads}; process
 *       runs the built jar as its own process and is run only when named (all leaves it out: it needs the jar);</li>
 *   <li>{@code bench.scale} [1]: multiplies every workload's task count (0.05 for a smoke run);</li>
 *   <li>{@code bench.timeout.seconds} [600]: longest wait for a workload to drain;</li>
 *   <li>{@code bench.baseline.workloads} [latency,throughput,realistic,trickle,scale],
 *       {@code bench.baseline.consumers} [10] (its Kafka consumers, and the input topic's partitions),
 *       {@code bench.baseline.max-seconds} [120] (it is stopped there; its figures cover what it finished);</li>
 *   <li>{@code bench.realistic.time-factor} [0.2]: completion times (20–120 s) and cadence (5 s) are multiplied by it;</li>
 *   <li>{@code bench.scale.hold-seconds} [30]: how long the scale workload watches its tasks wait;</li>
 *   <li>{@code bench.input.partitions} [6], {@code bench.pending.partitions} [6];</li>
 *   <li>{@code bench.max-in-flight}, {@code bench.coalesce} [unset]: passed to the bridge as
 *       {@code dreamina.api.max-in-flight} and {@code dreamina.poll.coalesce} when given;</li>
 *   <li>{@code bench.bridge.KEY=VALUE}: any other bridge property, applied last (e.g.
 *       {@code -Dbench.bridge.dreamina.ingest.consumers=6});</li>
 *   <li>{@code bench.process.jvm-args} [none]: JVM options of the bridge's own process in the {@code process}
 *       workload, space-separated (e.g. {@code -XX:StartFlightRecording=filename=target/bench/bridge.jfr}).</li>
 * </ul>
 */
record BenchSettings(
        Set<String> scenarios,
        double scale,
        Duration timeout,
        List<String> baselineWorkloads,
        int baselineConsumers,
        Duration baselineMaxTime,
        double realisticTimeFactor,
        Duration scaleHold,
        int inputPartitions,
        int pendingPartitions,
        Map<String, String> bridgeExtra,
        List<String> processJvmOptions) {

    static final List<String> WORKLOADS = List.of("latency", "throughput", "realistic", "trickle", "scale");
    static final String BASELINE = "baseline";
    /** The workload that runs the built jar as a process of its own: run only when named. */
    static final String PROCESS = "process";
    /** The benchmark's token; never printed (the report shows "(set)"). */
    static final String TOKEN = "bench-token-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    /**
     * Keys of the tests' base settings that tune the bridge for quick tests (short backoff, quick re-checks): the
     * benchmark leaves them to {@code config/application.properties}, so that it measures the shipped defaults.
     */
    private static final Set<String> TEST_TUNING = Set.of("dreamina.api.backoff.initial", "dreamina.api.backoff.max",
            "dreamina.api.backoff.jitter", "dreamina.api.credential-recheck", "dreamina.kafka.write-retry-delay-ms");

    static BenchSettings from(Properties properties) {
        Reader r = new Reader(properties);
        Set<String> scenarios = new LinkedHashSet<>(r.list("bench.scenario", "all"));
        for (String scenario : scenarios) {
            if (!scenario.equals("all") && !scenario.equals(BASELINE) && !scenario.equals(PROCESS)
                    && !WORKLOADS.contains(scenario)) {
                throw new IllegalArgumentException("bench.scenario: unknown workload '" + scenario + "', expected "
                        + String.join("|", WORKLOADS) + "|" + BASELINE + "|" + PROCESS + "|all");
            }
        }
        Map<String, String> extra = new TreeMap<>();
        r.optional("bench.max-in-flight").ifPresent(v -> extra.put("dreamina.api.max-in-flight", v));
        r.optional("bench.coalesce").ifPresent(v -> extra.put("dreamina.poll.coalesce", v));
        properties.stringPropertyNames().stream().filter(name -> name.startsWith("bench.bridge."))
                .forEach(name -> extra.put(name.substring("bench.bridge.".length()), properties.getProperty(name)));
        double scale = r.decimal("bench.scale", 1.0);
        double factor = r.decimal("bench.realistic.time-factor", 0.2);
        if (!(scale > 0) || !(factor > 0)) {
            throw new IllegalArgumentException("bench.scale and bench.realistic.time-factor must be positive");
        }
        return new BenchSettings(scenarios, scale,
                Duration.ofSeconds(r.integer("bench.timeout.seconds", 600)),
                r.list("bench.baseline.workloads", String.join(",", WORKLOADS)),
                r.integer("bench.baseline.consumers", 10),
                Duration.ofSeconds(r.integer("bench.baseline.max-seconds", 120)),
                factor,
                Duration.ofSeconds(r.integer("bench.scale.hold-seconds", 30)),
                r.integer("bench.input.partitions", 6),
                r.integer("bench.pending.partitions", 6),
                extra,
                java.util.Arrays.stream(r.text("bench.process.jvm-args", "").split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList());
    }

    /** Whether the bridge runs this workload. */
    boolean runsBridge(String workload) {
        return scenarios.contains(workload) || scenarios.contains("all") && !workload.equals(PROCESS);
    }

    /** Whether the baseline route runs this workload. */
    boolean runsBaseline(String workload) {
        return (scenarios.contains("all") || scenarios.contains(BASELINE)) && baselineWorkloads.contains(workload);
    }

    /** A workload's task count at this scale: at least 1. */
    int tasks(int fullSize) {
        return (int) Math.max(1, Math.round(fullSize * scale));
    }

    /**
     * The bridge's settings, in one map: the tests' base settings (broker, API, token, topics), less their quick-test
     * tuning, then the workload's own settings, then {@link #bridgeExtra()}.
     */
    Map<String, String> bridgeSettings(String bootstrapServers, String apiBaseUrl, TestTopics topics,
                                       Map<String, String> workload) {
        Map<String, String> settings = BridgeInstance.baseSettings(bootstrapServers, apiBaseUrl, TOKEN, topics);
        settings.keySet().removeAll(TEST_TUNING);
        settings.put("dreamina.topic.pending.partitions", String.valueOf(pendingPartitions));
        // Long enough that no task of the benchmark ends as poll_timeout.
        settings.put("dreamina.poll.max-wait", "1h");
        settings.putAll(workload);
        settings.putAll(bridgeExtra);
        return settings;
    }

    /** A copy of a settings map fit for a report: the token is shown as "(set)". */
    static Map<String, String> printable(Map<String, String> settings) {
        Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.replaceAll((key, value) -> key.contains("token") || TOKEN.equals(value) ? "(set)" : value);
        return copy;
    }

    /** The settings as a map, for the report. */
    Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("scenarios", List.copyOf(scenarios));
        map.put("scale", scale);
        map.put("timeoutSeconds", timeout.toSeconds());
        map.put("baselineWorkloads", baselineWorkloads);
        map.put("baselineConsumers", baselineConsumers);
        map.put("baselineMaxSeconds", baselineMaxTime.toSeconds());
        map.put("realisticTimeFactor", realisticTimeFactor);
        map.put("scaleHoldSeconds", scaleHold.toSeconds());
        map.put("inputPartitions", inputPartitions);
        map.put("pendingPartitions", pendingPartitions);
        map.put("bridgeExtra", bridgeExtra);
        map.put("processJvmOptions", processJvmOptions);
        return map;
    }

    private record Reader(Properties properties) {
        java.util.Optional<String> optional(String name) {
            String value = properties.getProperty(name);
            return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value.trim());
        }

        String text(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        List<String> list(String name, String fallback) {
            return java.util.Arrays.stream(text(name, fallback).split(","))
                    .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        }

        int integer(String name, int fallback) {
            String value = text(name, String.valueOf(fallback)).replace("_", "");
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
            }
        }

        double decimal(String name, double fallback) {
            String value = text(name, String.valueOf(fallback));
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, not '" + value + "'", e);
            }
        }
    }
}
