package cloud.acedata.dreamina.bridge.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition that something else makes true, checking it every {@value #CHECK_INTERVAL_MS} ms until a
 * deadline. The interval only paces the checks; the test proceeds as soon as the condition holds.
 *
 * <p>A check that throws a {@link RuntimeException} counts as "not yet" (a broker may be restarting, a topic may
 * not exist yet); the last such exception is reported, as the cause, if the deadline passes.
 */
public final class Await {

    private static final long CHECK_INTERVAL_MS = 50;

    private Await() {
    }

    /** Returns once {@code condition} holds; otherwise fails at {@code deadline} with {@code describe}'s text. */
    public static void until(Duration deadline, BooleanSupplier condition, Supplier<String> describe) {
        value(deadline, condition::getAsBoolean, Boolean::booleanValue, describe);
    }

    /**
     * Returns the first value from {@code supplier} that {@code accept} takes; otherwise fails at {@code deadline}
     * with an {@link AssertionError} naming {@code describe} and the last value seen.
     */
    public static <T> T value(Duration deadline, Supplier<T> supplier, Predicate<T> accept, String describe) {
        return value(deadline, supplier, accept, () -> describe);
    }

    private static <T> T value(Duration deadline, Supplier<T> supplier, Predicate<T> accept, Supplier<String> describe) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = null;
        RuntimeException lastFailure = null;
        while (true) {
            try {
                last = supplier.get();
                lastFailure = null;
                if (accept.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            if (System.nanoTime() - end >= 0) {
                String seen = lastFailure != null ? "the last check threw " + lastFailure : "last value seen: " + last;
                AssertionError error = new AssertionError(
                        "Timed out after " + deadline.toMillis() + " ms waiting for " + describe.get() + "; " + seen);
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(CHECK_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting", e);
        }
    }
}
