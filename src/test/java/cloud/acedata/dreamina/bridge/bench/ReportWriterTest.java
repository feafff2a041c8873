package cloud.acedata.dreamina.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    @TempDir
    Path directory;

    @Test
    void writesFiguresSettingsDateCommitAndCommandAndReadsTheBridgesFiguresBack() throws Exception {
        BenchSettings settings = BenchSettings.from(new Properties());
        ReportWriter writer = new ReportWriter(directory, settings);
        WorkloadResult result = new WorkloadResult("trickle", "bridge").figure("requestsPerCompletedTask", 0.5)
                .setting("bridge", BenchSettings.printable(Map.of("dreamina.api.token", BenchSettings.TOKEN)))
                .row("ids per request", "12").note("a note");

        Path file = writer.write("trickle", List.of(result));

        assertEquals(directory.resolve("trickle.json"), file);
        String text = Files.readString(file);
        assertFalse(text.contains(BenchSettings.TOKEN), "the token is never written");
        JsonNode json = new ObjectMapper().readTree(text);
        assertEquals("trickle", json.path("workload").asText());
        assertFalse(json.path("date").asText().isEmpty());
        assertFalse(json.path("gitCommit").asText().isEmpty());
        assertTrue(json.path("command").asText().startsWith("mvn -q -Pbench test-compile exec:exec"));
        assertTrue(json.path("measurement").has("cpu"));
        JsonNode first = json.path("results").get(0);
        assertEquals("bridge", first.path("subject").asText());
        assertEquals(0.5, first.path("figures").path("requestsPerCompletedTask").asDouble());
        assertEquals("(set)", first.path("settings").path("bridge").path("dreamina.api.token").asText());
        assertEquals("a note", first.path("notes").get(0).asText());

        assertEquals(0.5, ((Number) writer.readBridgeFigures("trickle").get("requestsPerCompletedTask")).doubleValue());
        assertNull(writer.readBridgeFigures("latency"));
    }

    @Test
    void theJvmArgumentsNameNoClassPath() {
        assertTrue(ReportWriter.jvmArguments().stream().noneMatch(arg -> arg.contains("class.path")));
    }
}
