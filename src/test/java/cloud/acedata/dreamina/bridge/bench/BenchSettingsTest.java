package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.TestTopics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
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
                Map.of("dreamina.poll.interval", "1s", "dreamina.poll.batch-size", "100"));

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
    }

    @Test
    void badNumbersSayWhichSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("bench.baseline.consumers", "ten"));
        assertTrue(e.getMessage().contains("bench.baseline.consumers"), e.getMessage());
        assertEquals(List.of("latency", "throughput", "realistic", "trickle", "scale"), BenchSettings.WORKLOADS);
    }
}
