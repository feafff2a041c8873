package cloud.acedata.dreamina.bridge.camel;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The input records of one partition written by a committed ingest transaction although the partition's committed
 * offset has not passed them: those behind a record that could not be written yet (a dead letter too large for its
 * topic even reduced). Under exactly-once they travel in the commit's metadata, in the same transaction as the
 * records themselves, so whoever reads the partition again (this thread, another instance, a restart) skips them:
 * every record a committed transaction wrote is below its partition's committed offset or named here.
 *
 * <p>Ranges of offsets, inclusive, written relative to the committed offset ({@code ingest-written:1-3,7}); a range
 * may span offsets that hold no record (transaction markers, compaction): no record is ever read there. At most
 * {@value #MAX_RANGES} ranges, so that the metadata stays far below the broker's {@code offset.metadata.max.bytes}
 * (4,096 by default): a record that would need one more waits behind the record that holds the partition.
 */
public final class WrittenBeyond {

    static final String PREFIX = "ingest-written:";
    static final int MAX_RANGES = 64;

    /** Range start to range end, inclusive. */
    private final NavigableMap<Long, Long> ranges = new TreeMap<>();

    /** The ranges named in {@code metadata} of a commit at {@code committed}; none when it is not the bridge's. */
    public static WrittenBeyond decode(long committed, String metadata) {
        WrittenBeyond written = new WrittenBeyond();
        if (metadata == null || !metadata.startsWith(PREFIX) || metadata.length() == PREFIX.length()) {
            return written;
        }
        for (String range : metadata.substring(PREFIX.length()).split(",")) {
            int dash = range.indexOf('-');
            try {
                long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
                if (from >= 0 && to >= from) {
                    written.ranges.put(committed + from, committed + to);
                }
            } catch (NumberFormatException malformed) {
                // Not written by this bridge: names nothing (its records are read and written as usual).
                return new WrittenBeyond();
            }
        }
        return written;
    }

    /** The metadata of a commit at {@code committed}: the ranges at or after it; empty when there is none. */
    public String encode(long committed) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<Long, Long> range : ranges.entrySet()) {
            long from = Math.max(range.getKey(), committed);
            long to = range.getValue();
            if (to < committed) {
                continue;
            }
            text.append(text.isEmpty() ? PREFIX : ",").append(from - committed);
            if (to > from) {
                text.append('-').append(to - committed);
            }
        }
        return text.toString();
    }

    public boolean contains(long offset) {
        Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        return range != null && range.getValue() >= offset;
    }

    /**
     * Adds {@code offset}; {@code previous} is the offset of the record read just before it on this partition (or -1),
     * so that consecutive records extend one range.
     *
     * @return false when it would need a new range and there are {@value #MAX_RANGES} already (nothing added)
     */
    public boolean add(long offset, long previous) {
        if (contains(offset)) {
            return true;
        }
        Map.Entry<Long, Long> before = previous < 0 ? null : ranges.floorEntry(previous);
        if (before != null && before.getValue() >= previous) {
            ranges.put(before.getKey(), offset);
        } else if (ranges.size() >= MAX_RANGES) {
            return false;
        } else {
            ranges.put(offset, offset);
        }
        Map.Entry<Long, Long> after = ranges.higherEntry(offset);
        Map.Entry<Long, Long> own = ranges.floorEntry(offset);
        if (after != null && after.getKey() <= own.getValue() + 1) {
            ranges.remove(after.getKey());
            ranges.put(own.getKey(), Math.max(own.getValue(), after.getValue()));
        }
        return true;
    }

    /** The offset past the range that starts at {@code offset}, or {@code offset} when none starts there. */
    public long skipFrom(long offset) {
        long position = offset;
        Map.Entry<Long, Long> range = ranges.floorEntry(position);
        while (range != null && range.getValue() >= position) {
            position = range.getValue() + 1;
            range = ranges.floorEntry(position);
        }
        return position;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }
}
