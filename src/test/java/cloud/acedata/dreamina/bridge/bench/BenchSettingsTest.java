package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchSettingsTest {

    private static BenchSettings settings(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return BenchSettings.from(properties);
    }

    @Test
    void emptyValuesMeanTheDefaults() {
        // The pom's bench profile passes every knob, empty unless given on the command line.
        BenchSettings s = settings("bench.scenario", "", "bench.scale", "", "bench.max-in-flight", " ");
        assertEquals(Set.of("all"), s.scenarios());
        assertEquals(1.0, s.scale());
        assertEquals(10, s.baselineConsumers());
        assertTrue(s.bridgeExtra().isEmpty());
        assertTrue(s.runsBridge("latency") && s.runsBaseline("scale"));
    }

    @Test
    void scenariosSelectWorkloadsAndTheBaseline() {
        BenchSettings s = settings("bench.scenario", "Trickle,baseline", "bench.baseline.workloads", "trickle");
        assertTrue(s.runsBridge("trickle"));
        assertFalse(s.runsBridge("latency"));
        assertTrue(s.runsBaseline("trickle"));
        assertFalse(s.runsBaseline("latency"));
        assertFalse(settings("bench.scenario", "latency").runsBaseline("latency"));
        assertThrows(IllegalArgumentException.class, () -> settings("bench.scenario", "memory"));
        assertFalse(settings("bench.scenario", "all").runsBridge("process"), "all leaves out the jar's workload");
    }

    @Test
    void theScaleMultipliesTaskCountsButLeavesAtLeastOne() {
        BenchSettings s = settings("bench.scale", "0.05");
        assertEquals(5_000, s.tasks(100_000));
        assertEquals(250, s.tasks(5_000));
        assertEquals(1, settings("bench.scale", "0.00001").tasks(100));
        assertThrows(IllegalArgumentException.class, () -> settings("bench.scale", "0"));
    }

    @Test
    void theLeadsNewKeysAndAnyBridgeKeyArePassedThrough() {
        BenchSettings s = settings("bench.max-in-flight", "8", "bench.coalesce", "250ms",
                "bench.bridge.dreamina.ingest.consumers", "6");
        assertEquals(Map.of("dreamina.api.max-in-flight", "8", "dreamina.poll.coalesce", "250ms",
                "dreamina.ingest.consumers", "6"), s.bridgeExtra());
    }

    @Test
    void oneSettingsMapTheTestsBaseLessTheirQuickTuningThenTheWorkloadThenTheExtras() {
        BenchSettings s = settings("bench.bridge.dreamina.poll.batch-size", "77", "bench.pending.partitions", "4");
        TestTopics topics = new TestTopics("bench-x");
        Map<String, String> map = s.bridgeSettings("localhost:9092", "http://127.0.0.1:1", topics,
                Map.of("dreamina.poll.interval", "1s", "dreamina.poll.batch-size", "100"), Optional.empty());

        assertEquals("localhost:9092", map.get("camel.component.kafka.brokers"));
        assertEquals(topics.in(), map.get("dreamina.topic.input"));
        assertEquals(topics.group(), map.get("dreamina.consumer.group"));
        assertEquals("1s", map.get("dreamina.poll.interval"));
        assertEquals("77", map.get("dreamina.poll.batch-size"), "the extras win");
        assertEquals("4", map.get("dreamina.topic.pending.partitions"));
        assertEquals("1h", map.get("dreamina.poll.max-wait"));
        assertFalse(map.containsKey("dreamina.api.backoff.initial"), "the shipped backoff, not the tests' quick one");
        assertEquals(BenchSettings.TOKEN, map.get("dreamina.api.token"));
        assertEquals("(set)", BenchSettings.printable(map).get("dreamina.api.token"));
        assertFalse(BenchSettings.printable(map).containsValue(BenchSettings.TOKEN));
        assertFalse(map.containsKey("dreamina.delivery.guarantee"), "no guarantee named: the shipped default");
    }

    @Test
    void theGuaranteesScenarioRunsTheCostWorkloadsUnderBothGuarantees() {
        BenchSettings s = settings("bench.scenario", "guarantees", "bench.guarantees", "");
        assertEquals(List.of("exactly-once", "at-least-once"), s.guarantees());
        assertTrue(s.comparesGuarantees());
        for (String workload : List.of("latency", "throughput", "trickle", "process")) {
            assertTrue(s.runsBridge(workload), workload);
        }
        assertFalse(s.runsBridge("realistic"));
        assertFalse(s.runsBridge("scale"));
        assertFalse(s.runsBaseline("latency"));
        assertEquals(1, s.rounds());
        assertTrue(ReportWriter.command(s).startsWith("mvn -q -Pbench -DskipTests package exec:exec"),
                "the process workload needs the jar");
    }

    @Test
    void withoutGuaranteesNamedTheBridgeRunsOnceUnderItsDefault() {
        BenchSettings s = settings("bench.scenario", "latency");
        assertEquals(List.of(), s.guarantees());
        assertFalse(s.comparesGuarantees());
        assertEquals(List.of(Optional.empty()), s.guaranteeOrder(0));
        assertEquals(List.of(Optional.empty()), s.guaranteeOrder(1));
    }

    @Test
    void guaranteesNamedForAnyScenarioRunInTurnTheirOrderReversedEveryOtherRound() {
        BenchSettings s = settings("bench.scenario", "throughput", "bench.guarantees", "At-Least-Once, exactly-once",
                "bench.rounds", "3");
        assertTrue(s.comparesGuarantees());
        assertEquals(3, s.rounds());
        assertEquals(List.of(Optional.of("at-least-once"), Optional.of("exactly-once")), s.guaranteeOrder(0));
        assertEquals(List.of(Optional.of("exactly-once"), Optional.of("at-least-once")), s.guaranteeOrder(1));
        assertEquals(s.guaranteeOrder(0), s.guaranteeOrder(2));
        BenchSettings one = settings("bench.guarantees", "at-least-once");
        assertFalse(one.comparesGuarantees(), "one guarantee: run under it, nothing to compare");
        assertEquals(List.of(Optional.of("at-least-once")), one.guaranteeOrder(1));
    }

    @Test
    void theRunsGuaranteeIsSetLastInTheBridgesSettings() {
        BenchSettings s = settings("bench.guarantees", "exactly-once,at-least-once");
        Map<String, String> map = s.bridgeSettings("localhost:9092", "http://127.0.0.1:1", new TestTopics("bench-g"),
                Map.of(), Optional.of("at-least-once"));
        assertEquals("at-least-once", map.get("dreamina.delivery.guarantee"));
    }

    @Test
    void badGuaranteesAndRoundsAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("bench.guarantees", "exactly_once"))
                .getMessage().contains("bench.guarantees"));
        assertThrows(IllegalArgumentException.class,
                () -> settings("bench.guarantees", "exactly-once,exactly-once"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("bench.guarantees", "exactly-once",
                "bench.bridge.dreamina.delivery.guarantee", "at-least-once")).getMessage()
                .contains("bench.bridge.dreamina.delivery.guarantee"));
        assertThrows(IllegalArgumentException.class, () -> settings("bench.rounds", "0"));
    }

    @Test
    void theCommitIntervalIsTheBridgesOverrideElseTheShippedDefault(@TempDir Path directory) throws Exception {
        Path properties = directory.resolve("application.properties");
        Files.writeString(properties, "# Delivery\ndreamina.delivery.guarantee = exactly-once\n"
                + "dreamina.delivery.commit-interval = 100ms \n");
        assertEquals(100, settings().commitIntervalMillis(properties));
        assertEquals(250, settings("bench.bridge.dreamina.delivery.commit-interval", "250ms")
                .commitIntervalMillis(properties));
        assertEquals(1_000, settings("bench.bridge.dreamina.delivery.commit-interval", "1s")
                .commitIntervalMillis(directory.resolve("absent.properties")), "the file is read only when needed");
    }

    @Test
    void theShippedConfigurationHasACommitInterval() throws Exception {
        // The benchmark runs from the project directory: the comparison's p99 target reads this file.
        assertTrue(settings().commitIntervalMillis(Path.of("config", "application.properties")) > 0);
    }

    @Test
    void badNumbersSayWhichSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("bench.baseline.consumers", "ten"));
        assertTrue(e.getMessage().contains("bench.baseline.consumers"), e.getMessage());
        assertEquals(List.of("latency", "throughput", "realistic", "trickle", "scale"), BenchSettings.WORKLOADS);
    }
}
