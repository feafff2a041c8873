package cloud.acedata.dreamina.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One line of {@code target/reliability-report.txt} (the figures behind the README's reliability table): scenario,
 * tasks in, output, dead letters, duplicates, notes. Also printed, so that a test's log shows it.
 */
public final class ReliabilityReport {

    private static final Path REPORT = Path.of("target", "reliability-report.txt");

    private ReliabilityReport() {
    }

    /** A scenario without duplicates. */
    public static void line(String scenario, int in, int out, int dead, String notes) {
        String line = String.join(" | ", scenario, String.valueOf(in), String.valueOf(out), String.valueOf(dead),
                "0", notes);
        System.out.println("[reliability] " + line);
        append(line);
    }

    /** Appends a line as it is. */
    public static void append(String line) {
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
