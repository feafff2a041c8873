package cloud.acedata.dreamina.bridge.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own tools as the ops tests run them: {@code promtool} and the {@code prometheus} server, found on the
 * PATH. mvn verify installs Debian's prometheus package first when they are missing (src/test/ops); where it could
 * not, a test fails here with one line saying what to install — never a silent skip.
 */
final class PrometheusTools {

    /** The project's ops/ directory (tests run from the project's base directory). */
    static final Path OPS = Path.of("ops").toAbsolutePath();

    private PrometheusTools() {
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    record Run(int exitCode, String output) {
    }

    static Path promtool() {
        return tool("promtool");
    }

    static Path prometheus() {
        return tool("prometheus");
    }

    /** Runs {@code promtool} with the arguments, in {@code ops/prometheus}, waiting at most a minute. */
    static Run promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool().toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(OPS.resolve("prometheus").toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", arguments) + " did not end within a minute");
        }
        return new Run(process.exitValue(), output);
    }

    /** promtool check metrics reads the exposition on its standard input. */
    static Run checkMetrics(String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(promtool().toString(), "check", "metrics")
                .redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("promtool check metrics did not end within a minute");
        }
        return new Run(process.exitValue(), output);
    }

    private static Path tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed: install Debian's prometheus package "
                + "(apt-get install prometheus, as root), which brings promtool and the prometheus server");
    }
}
