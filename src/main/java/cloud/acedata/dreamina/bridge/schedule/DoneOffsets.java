package cloud.acedata.dreamina.bridge.schedule;

import java.util.Collection;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The records of a partition already done beyond its committed offset, written into the commit's metadata (as
 * Confluent's parallel-consumer does): a commit can only say "everything before offset n", and a record that was
 * slow or given up at a stop holds back the offsets of those done after it. Without this, the next owner would
 * handle them again (a second output, or a second copy of a task written back). With it, the next owner skips them.
 *
 * <p>Format: {@code d1:} then comma-separated offsets relative to the committed offset, runs as {@code a-b}, in
 * base 36 ({@code d1:1-5,9} = committed + 1 … committed + 5, and committed + 9). At most {@link #MAX_CHARS}
 * characters (a broker refuses metadata above {@code offset.metadata.max.bytes}, 4,096 by default): what does not
 * fit is left out, and those records are handled again — never lost.
 */
final class DoneOffsets {

    static final int MAX_CHARS = 3_000;
    /** More than the scheduler ever holds at once: metadata that says more was not written by it. */
    static final int MAX_OFFSETS = 100_000;
    private static final String VERSION = "d1:";

    private DoneOffsets() {
    }

    /** Under exactly-once, the records done beyond a commit do not all fit in its metadata: none may be left out. */
    static final class Overflow extends IllegalStateException {
        Overflow(int count) {
            super(count + " records done beyond the commit do not fit in its metadata (" + MAX_CHARS + " characters)");
        }
    }

    /** The metadata for a commit of {@code committed} with the records {@code done} beyond it ({@code ""}: none). */
    static String encode(long committed, Collection<Long> done) {
        return encode(committed, done, false);
    }

    /**
     * @param strict when what does not fit may not be left out (their outcomes were written in the transaction this
     *               commit belongs to): then {@link Overflow} is thrown instead
     */
    static String encode(long committed, Collection<Long> done, boolean strict) {
        NavigableSet<Long> sorted = new TreeSet<>(done).tailSet(committed, false);
        if (sorted.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(VERSION);
        Iterator<Long> it = sorted.iterator();
        long start = it.next();
        long end = start;
        while (true) {
            Long next = it.hasNext() ? it.next() : null;
            if (next != null && next == end + 1) {
                end = next;
                continue;
            }
            String run = Long.toString(start - committed, 36)
                    + (end > start ? "-" + Long.toString(end - committed, 36) : "");
            if (out.length() + run.length() + 1 > MAX_CHARS) {
                if (strict) {
                    throw new Overflow(sorted.size());
                }
                break;
            }
            out.append(out.length() > VERSION.length() ? "," : "").append(run);
            if (next == null) {
                break;
            }
            start = next;
            end = next;
        }
        return out.length() > VERSION.length() ? out.toString() : "";
    }

    /**
     * The offsets {@code metadata} says are done beyond {@code committed}; none for metadata this class did not
     * write (another tool's, an offset reset's empty one) or cannot read.
     */
    static NavigableSet<Long> decode(long committed, String metadata) {
        NavigableSet<Long> done = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(VERSION) || committed < 0) {
            return done;
        }
        try {
            for (String run : metadata.substring(VERSION.length()).split(",")) {
                int dash = run.indexOf('-');
                long from = Long.parseLong(dash < 0 ? run : run.substring(0, dash), 36);
                long to = dash < 0 ? from : Long.parseLong(run.substring(dash + 1), 36);
                if (from <= 0 || to < from || to - from >= MAX_OFFSETS - done.size()) {
                    return new TreeSet<>();
                }
                for (long delta = from; delta <= to; delta++) {
                    done.add(committed + delta);
                }
            }
        } catch (NumberFormatException e) {
            return new TreeSet<>();
        }
        return done;
    }
}
