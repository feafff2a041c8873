package cloud.acedata.dreamina.bridge.support;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start the jar refuses as an operator must see it: exit code 2 and exactly one ERROR line, {@code Cannot start:}
 * and what to fix, without a stack trace, nothing started, and no secret in the log.
 */
public final class StartRefusal {

    private StartRefusal() {
    }

    /**
     * @param bridge   the jar, just started
     * @param exit     how long it may take to exit
     * @param expected the start of what follows {@code Cannot start: }
     * @param secret   a value that must never be logged (the API token, a password)
     */
    public static void assertOneErrorLine(BridgeProcess bridge, Duration exit, String expected, String secret)
            throws InterruptedException {
        long started = System.nanoTime();
        int code = bridge.waitForExit(exit);
        String log = bridge.log();
        List<String> errors = log.lines().filter(line -> line.contains(" ERROR ")).toList();
        System.out.println("FIGURE exit " + code + " after " + Duration.ofNanos(System.nanoTime() - started)
                .toMillis() + " ms, " + log.lines().count() + " log lines: " + errors);
        assertEquals(2, code, bridge.tail());
        assertEquals(1, errors.size(), () -> "exactly one ERROR line:\n" + bridge.tail());
        assertTrue(errors.get(0).contains("Cannot start: " + expected), errors.get(0));
        assertFalse(log.lines().anyMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by")
                || line.startsWith("Exception in thread")), () -> "no stack trace:\n" + bridge.tail());
        assertFalse(log.contains("Apache Camel ") && log.contains(" started in"), "nothing started");
        assertFalse(log.contains(secret), "the secret is never logged");
    }
}
