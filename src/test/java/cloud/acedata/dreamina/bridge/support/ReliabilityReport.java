package cloud.acedata.dreamina.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One line of {@code target/reliability-report.txt} (the README's figures): scenario | tasks in | output | dead
 * letters | duplicates | notes, also printed to the test's output.
 */
public final class ReliabilityReport {

    private static final Path REPORT = Path.of("target", "reliability-report.txt");

    private ReliabilityReport() {
    }

    /** A scenario with no duplicates: {@code scenario | in | out | dead | 0 | notes}. */
    public static void line(String scenario, int in, int out, int dead, String notes) {
        String line = String.join(" | ", scenario, String.valueOf(in), String.valueOf(out), String.valueOf(dead),
                "0", notes);
        System.out.println("[reliability] " + line);
        append(line);
    }

    /** Appends one line as it is. */
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
