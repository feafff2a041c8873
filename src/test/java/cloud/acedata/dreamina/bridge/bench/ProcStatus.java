package cloud.acedata.dreamina.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of this process from {@code /proc/self/status}: {@code VmRSS} (now) and {@code VmHWM} (its peak,
 * which writing {@code 5} to {@code /proc/self/clear_refs} resets). Zero where the file is missing (not Linux).
 */
record ProcStatus(long rssBytes, long peakRssBytes) {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    static ProcStatus read() {
        try {
            return parse(Files.readAllLines(STATUS));
        } catch (IOException | UnsupportedOperationException e) {
            return new ProcStatus(0, 0);
        }
    }

    /** Parses the lines of a {@code /proc/PID/status} file ("VmRSS:\t  123456 kB"). */
    static ProcStatus parse(List<String> lines) {
        return new ProcStatus(kilobytes(lines, "VmRSS:") * 1024, kilobytes(lines, "VmHWM:") * 1024);
    }

    /** Resets VmHWM to the current RSS; false where the kernel does not allow it (then VmHWM is since the start). */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long kilobytes(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field)) {
                String value = line.substring(field.length()).trim();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        return 0;
    }
}
