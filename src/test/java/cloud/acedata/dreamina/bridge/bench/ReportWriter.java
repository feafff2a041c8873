package cloud.acedata.dreamina.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Writes {@code target/bench/<workload>.json}: the figures, the settings used, the date, the git commit (read at run
 * time), the command line and how each figure was measured.
 */
final class ReportWriter {

    static final Map<String, String> MEASUREMENT = Map.of(
            "cpu", "per-thread CPU time (com.sun.management.ThreadMXBean) of the subject's threads, told apart by name "
                    + "(see ThreadCpu) and sampled every 200 ms, from the first id fed to the end; the whole JVM's "
                    + "from OperatingSystemMXBean.getProcessCpuTime (GC and JIT CPU only appear there)",
            "processCpu", "process workload: utime + stime of the bridge process's /proc/PID/stat (every thread, "
                    + "living or ended), from the first id fed to the last output seen, and per thread from "
                    + "/proc/PID/task/TID/stat by native thread name (GC, JIT, VM, Java thread families)",
            "heap", "whole JVM (broker, simulator, subject, benchmark): heap in use sampled every 200 ms, and the sum "
                    + "of the heap pools' peak usage (MemoryPoolMXBean, reset at the start); the subject's share is "
                    + "the live heap after two System.gc() minus the same before it started",
            "rss", "whole process: VmRSS of /proc/self/status sampled every 200 ms; VmHWM after a reset through "
                    + "/proc/self/clear_refs at the start (vmHwmSinceRunStart says whether the reset was allowed)",
            "api", "counted by the simulator: every request, 429s of its own limit, ids named per answered request, "
                    + "arrival times for the busiest windows",
            "latency", "detection latency = the output record's timestamp minus when the simulator marked the task "
                    + "done; drain time = the last output record's timestamp minus the first id fed",
            "guarantees", "bench.guarantees: each bridge workload run under each dreamina.delivery.guarantee named, "
                    + "the output read with isolation.level=read_committed; outputOffsetsPerRecord = the output "
                    + "topic's end offsets ÷ records read (above 1: transaction markers, so transactions were used)");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    private final Map<String, Object> run = new LinkedHashMap<>();

    ReportWriter(Path directory, BenchSettings settings) {
        this.directory = directory;
        run.put("date", Instant.now().toString());
        run.put("gitCommit", gitCommit());
        run.put("command", command(settings));
        run.put("jvmArguments", jvmArguments());
        Runtime rt = Runtime.getRuntime();
        run.put("machine", Map.of("cores", rt.availableProcessors(), "maxHeapMb", rt.maxMemory() / (1024 * 1024),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")));
        run.put("inThisJvm", "embedded Kafka broker (KRaft, 1 node), Tasks API simulator, the subject, the "
                + "benchmark's producer and consumers");
        run.put("benchSettings", settings.describe());
        run.put("measurement", new TreeMap<>(MEASUREMENT));
    }

    Map<String, Object> run() {
        return run;
    }

    /** Writes {@code <name>.json} with the run's description and these results. */
    Path write(String name, List<WorkloadResult> results) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("workload", name);
        document.putAll(run);
        List<Map<String, Object>> rendered = new ArrayList<>();
        for (WorkloadResult result : results) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload", result.workload());
            r.put("subject", result.subject());
            if (result.variant() != null) {
                r.put("variant", result.variant());
            }
            r.put("settings", result.settings());
            r.put("figures", result.figures());
            r.put("table", result.rows());
            r.put("notes", result.notes());
            rendered.add(r);
        }
        document.put("results", rendered);
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".json");
        Files.writeString(file, JSON.writeValueAsString(document), StandardCharsets.UTF_8);
        return file;
    }

    /** The bridge's figures of a workload from an earlier run's {@code <workload>.json}, or null. */
    Map<String, Object> readBridgeFigures(String workload) throws IOException {
        Path file = directory.resolve(workload + ".json");
        if (!Files.exists(file)) {
            return null;
        }
        for (JsonNode result : JSON.readTree(file.toFile()).path("results")) {
            if ("bridge".equals(result.path("subject").asText())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> figures = JSON.convertValue(result.path("figures"), Map.class);
                return figures;
            }
        }
        return null;
    }

    /** {@code git rev-parse --short HEAD} in the working directory, or "unknown". */
    static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && !out.isEmpty()) {
                return out;
            }
            return "unknown (" + out + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** The Maven command that runs this benchmark with the same bench.* settings (the process workload needs the jar). */
    static String command(BenchSettings settings) {
        boolean jar = settings.runsBridge(BenchSettings.PROCESS);
        return "mvn -q -Pbench " + (jar ? "-DskipTests package" : "test-compile") + " exec:exec "
                + System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench.") && !System.getProperty(name).isBlank())
                .sorted()
                .map(name -> "-D" + name + "=" + System.getProperty(name))
                .collect(Collectors.joining(" "));
    }

    /** The JVM's options, without the class path (it names directories of this machine). */
    static List<String> jvmArguments() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> !arg.contains("class.path") && !arg.startsWith("-cp") && !arg.startsWith("-classpath"))
                .toList();
    }
}
