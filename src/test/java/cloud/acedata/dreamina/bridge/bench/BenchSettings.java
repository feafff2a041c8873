package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.BridgeInstance;
import cloud.acedata.dreamina.bridge.support.TestTopics;
import cloud.acedata.dreamina.bridge.util.Durations;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every knob of the benchmark, from {@code bench.*} system properties (defaults in brackets):
 * <ul>
 *   <li>{@code bench.scenario} [all]: latency, throughput, realistic, trickle, scale, baseline, process, guarantees
 *       or all (several comma-separated); baseline runs the baseline route on {@code bench.baseline.workloads};
 *       process runs the built jar as its own process and is run only when named (all leaves it out: it needs the
 *       jar); guarantees runs latency, throughput, trickle and process under each of {@code bench.guarantees} and
 *       compares them (it needs the jar too);</li>
 *   <li>{@code bench.guarantees} [exactly-once,at-least-once with the guarantees scenario, else none]: the bridge's
 *       {@code dreamina.delivery.guarantee} values to run every chosen bridge workload under, one run each; with
 *       both, exactly-once is compared with at-least-once; none: the bridge's configured default, not overridden;</li>
 *   <li>{@code bench.rounds} [1]: how many times each bridge workload runs (under each guarantee), the guarantees'
 *       order reversed every other round; comparisons use each guarantee's median;</li>
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
        List<String> processJvmOptions,
        List<String> guarantees,
        int rounds) {

    static final List<String> WORKLOADS = List.of("latency", "throughput", "realistic", "trickle", "scale");
    static final String BASELINE = "baseline";
    /** The workload that runs the built jar as a process of its own: run only when named. */
    static final String PROCESS = "process";
    /** The scenario that runs {@link #GUARANTEE_WORKLOADS} under both guarantees, side by side. */
    static final String GUARANTEES = "guarantees";
    /** The workloads of the {@link #GUARANTEES} scenario: those the cost targets of exactly-once are on. */
    static final List<String> GUARANTEE_WORKLOADS = List.of("latency", "throughput", "trickle", PROCESS);
    static final String EXACTLY_ONCE = "exactly-once";
    static final String AT_LEAST_ONCE = "at-least-once";
    /** The bridge's setting the guarantees are run under. */
    static final String GUARANTEE_KEY = "dreamina.delivery.guarantee";
    static final String COMMIT_INTERVAL_KEY = "dreamina.delivery.commit-interval";
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
                    && !scenario.equals(GUARANTEES) && !WORKLOADS.contains(scenario)) {
                throw new IllegalArgumentException("bench.scenario: unknown workload '" + scenario + "', expected "
                        + String.join("|", WORKLOADS) + "|" + BASELINE + "|" + PROCESS + "|" + GUARANTEES + "|all");
            }
        }
        List<String> guarantees = guarantees(r.list("bench.guarantees",
                scenarios.contains(GUARANTEES) ? EXACTLY_ONCE + "," + AT_LEAST_ONCE : ""));
        Map<String, String> extra = new TreeMap<>();
        r.optional("bench.max-in-flight").ifPresent(v -> extra.put("dreamina.api.max-in-flight", v));
        r.optional("bench.coalesce").ifPresent(v -> extra.put("dreamina.poll.coalesce", v));
        properties.stringPropertyNames().stream().filter(name -> name.startsWith("bench.bridge."))
                .forEach(name -> extra.put(name.substring("bench.bridge.".length()), properties.getProperty(name)));
        if (!guarantees.isEmpty() && extra.containsKey(GUARANTEE_KEY)) {
            throw new IllegalArgumentException("bench.guarantees and bench.bridge." + GUARANTEE_KEY
                    + " both set: give the guarantees in bench.guarantees only");
        }
        int rounds = r.integer("bench.rounds", 1);
        if (rounds < 1) {
            throw new IllegalArgumentException("bench.rounds must be at least 1, not " + rounds);
        }
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
                        .filter(s -> !s.isEmpty()).toList(),
                guarantees, rounds);
    }

    /** The guarantees named, checked: each the bridge knows, none twice. */
    private static List<String> guarantees(List<String> named) {
        for (String guarantee : named) {
            if (!guarantee.equals(EXACTLY_ONCE) && !guarantee.equals(AT_LEAST_ONCE)) {
                throw new IllegalArgumentException("bench.guarantees: unknown guarantee '" + guarantee + "', expected "
                        + EXACTLY_ONCE + " and/or " + AT_LEAST_ONCE);
            }
        }
        if (new LinkedHashSet<>(named).size() != named.size()) {
            throw new IllegalArgumentException("bench.guarantees names a guarantee twice: " + named);
        }
        return named;
    }

    /** Whether the bridge runs this workload. */
    boolean runsBridge(String workload) {
        return scenarios.contains(workload) || scenarios.contains("all") && !workload.equals(PROCESS)
                || scenarios.contains(GUARANTEES) && GUARANTEE_WORKLOADS.contains(workload);
    }

    /** Whether exactly-once is run beside at-least-once, and compared. */
    boolean comparesGuarantees() {
        return guarantees.contains(EXACTLY_ONCE) && guarantees.contains(AT_LEAST_ONCE);
    }

    /**
     * The guarantees of one round (0 first) in the order they run: {@link #guarantees()}, reversed in every other
     * round so that neither always runs first (JIT warm-up, a broker fuller than before); one empty entry when none
     * is named (the bridge's configured default).
     */
    List<Optional<String>> guaranteeOrder(int round) {
        if (guarantees.isEmpty()) {
            return List.of(Optional.empty());
        }
        List<Optional<String>> order = new ArrayList<>(guarantees.stream()
                .map(Optional::of).toList());
        if (round % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    /**
     * The poll path's commit interval of the bridge under test, in ms: {@code bench.bridge.}{@value
     * #COMMIT_INTERVAL_KEY} when given, else the value in {@code applicationProperties} (the shipped default).
     */
    long commitIntervalMillis(Path applicationProperties) throws IOException {
        String value = bridgeExtra.get(COMMIT_INTERVAL_KEY);
        if (value == null) {
            Properties shipped = new Properties();
            try (BufferedReader in = Files.newBufferedReader(applicationProperties)) {
                shipped.load(in);
            }
            value = shipped.getProperty(COMMIT_INTERVAL_KEY);
            if (value == null) {
                throw new IllegalStateException(COMMIT_INTERVAL_KEY + " is not in " + applicationProperties);
            }
        }
        return Durations.parse(value.trim()).toMillis();
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
     * tuning, then the workload's own settings, then {@link #bridgeExtra()}, then the run's guarantee when it has one.
     */
    Map<String, String> bridgeSettings(String bootstrapServers, String apiBaseUrl, TestTopics topics,
                                       Map<String, String> workload, Optional<String> guarantee) {
        Map<String, String> settings = BridgeInstance.baseSettings(bootstrapServers, apiBaseUrl, TOKEN, topics);
        settings.keySet().removeAll(TEST_TUNING);
        settings.put("dreamina.topic.pending.partitions", String.valueOf(pendingPartitions));
        // Long enough that no task of the benchmark ends as poll_timeout.
        settings.put("dreamina.poll.max-wait", "1h");
        settings.putAll(workload);
        settings.putAll(bridgeExtra);
        guarantee.ifPresent(g -> settings.put(GUARANTEE_KEY, g));
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
        map.put("guarantees", guarantees.isEmpty() ? "the bridge's default" : guarantees);
        map.put("rounds", rounds);
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
