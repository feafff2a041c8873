package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.task.PendingTask;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Tasks read from the pending topic and due within the coalescing window, across partitions, in the order they
 * fall due — and the rule that turns them into requests. A batch goes out when its first task is due, with every
 * task due within the window behind it (a task may be polled up to {@code coalesce} early), or as soon as a whole
 * batch is ready. So tasks that trickle in are still polled many per request, and none waits past its due time.
 * <p>
 * A task whose request failed while others succeeded is isolated: it comes back one level up, where batches are
 * half as large ({@code batchSize >> level}), until it stands alone; alone, it waits for its own backoff.
 * <p>
 * A task waits here at most once per partition: a later record of the same task in the same partition (the copy a
 * stopped instance had written back before the offset of the earlier one was committed) stands for it.
 */
final class ReadyTasks {

    /**
     * A ready task.
     *
     * @param level     0 normally; n after n failed requests in a row while others succeeded (batches of
     *                  {@code batchSize >> n})
     * @param failures  failed requests of this task alone, for its own backoff
     * @param notBefore epoch millis before which it is not polled (its own backoff), 0 if none
     * @param time      when it may be polled: the later of its due time and {@code notBefore} (kept, not read from
     *                  the task's header at every comparison of the ordered set)
     */
    record Entry(TopicPartition partition, long offset, PendingTask task, int level, int failures, long notBefore,
                 long time) {

        Entry(TopicPartition partition, long offset, PendingTask task, int level, int failures, long notBefore) {
            this(partition, offset, task, level, failures, notBefore, Math.max(task.dueAtMillis(), notBefore));
        }

        Entry isolated() {
            return new Entry(partition, offset, task, level + 1, failures, notBefore);
        }

        Entry failedAlone(long retryAt) {
            return new Entry(partition, offset, task, level, failures + 1, retryAt);
        }
    }

    /** The isolation level at which a task goes alone whatever the batch size. */
    static final int ALONE = 30;

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time)
            .thenComparing(e -> e.partition().partition())
            .thenComparing(e -> e.partition().topic())
            .thenComparingLong(Entry::offset);

    /** A task's place: its partition and its id. */
    private record Place(TopicPartition partition, String taskId) {

        static Place of(Entry entry) {
            return new Place(entry.partition(), entry.task().trackingId());
        }
    }

    private final TreeSet<Entry> entries = new TreeSet<>(ORDER);
    private final Map<Place, Entry> waiting = new HashMap<>();

    /**
     * Adds a task to wait here — unless another record of the same task in the same partition already waits: then
     * the later of the two stands for both (its headers are the newer ones; the earlier is the record a stopped
     * instance had written a copy of before the earlier one's offset was committed, or the same task given twice).
     *
     * @return the record that no longer waits because the other stands for it (the earlier one, which may be
     *         {@code entry} itself): it needs no request of its own
     */
    Optional<Entry> add(Entry entry) {
        String taskId = entry.task().trackingId();
        if (taskId != null) {
            Place place = Place.of(entry);
            Entry other = waiting.get(place);
            if (other != null && other.offset() != entry.offset()) {
                if (other.offset() > entry.offset()) {
                    return Optional.of(entry);
                }
                entries.remove(other);
                waiting.put(place, entry);
                entries.add(entry);
                return Optional.of(other);
            }
            waiting.put(place, entry);
        }
        entries.add(entry);
        return Optional.empty();
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** When the first task falls due (epoch millis), if any. */
    OptionalLong firstDue() {
        return entries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(entries.first().time());
    }

    /**
     * The next batch to poll, or an empty list when none should go out yet.
     *
     * @param now       epoch millis
     * @param batchSize the most ids in one request
     * @param coalesce  how early (millis) a task may be polled to fill a request
     */
    List<Entry> takeBatch(long now, int batchSize, long coalesce) {
        if (entries.isEmpty()) {
            return List.of();
        }
        Entry first = entries.first();
        int level = first.level();
        int limit = Math.max(1, batchSize >> Math.min(level, ALONE));
        long horizon = first.failures() > 0 ? now : now + coalesce;
        List<Entry> batch = new ArrayList<>(Math.min(limit, entries.size()));
        for (Entry entry : entries) {
            if (batch.size() == limit || entry.time() > horizon) {
                break;
            }
            if (entry.level() == level && (entry.failures() == 0 || entry == first)) {
                batch.add(entry);
            }
        }
        if (first.time() > now && batch.size() < limit) {
            return List.of();
        }
        batch.forEach(this::remove);
        return batch;
    }

    /** Forgets the tasks of partitions this instance no longer owns. */
    void removePartitions(Collection<TopicPartition> partitions) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (partitions.contains(entry.partition())) {
                it.remove();
                waiting.remove(Place.of(entry), entry);
            }
        }
    }

    /** Every waiting entry, in the order they fall due (for invariants and tests). */
    List<Entry> all() {
        return List.copyOf(entries);
    }

    void clear() {
        entries.clear();
        waiting.clear();
    }

    private void remove(Entry entry) {
        entries.remove(entry);
        waiting.remove(Place.of(entry), entry);
    }
}
