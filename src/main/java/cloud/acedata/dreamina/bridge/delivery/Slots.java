package cloud.acedata.dreamina.bridge.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Small slot numbers for owners that come and go (the ingest consumer threads): an owner keeps its slot while it
 * lives, a new owner gets the lowest slot free, and a slot is free again once its owner is dead. The slot names an
 * owner's transactional producer ({@code ingest-<slot>}), so the ids stay few and stable across restarts of an
 * instance (its first consumer thread is {@code ingest-0} again, and its first transaction aborts what the one before
 * it left open), and two live owners never share one. Thread-safe.
 *
 * @param <T> the owner (a thread; anything with a liveness test in the tests)
 */
public final class Slots<T> {

    private final Predicate<T> alive;
    private final Map<T, Integer> slots = new HashMap<>();

    /** @param alive whether an owner still lives (for a thread: {@link Thread#isAlive}) */
    public Slots(Predicate<T> alive) {
        this.alive = alive;
    }

    /**
     * The slot of {@code owner}: its own when it has one, else the lowest slot no live owner holds.
     *
     * @return the slot, and the slots taken back from dead owners by this call (their resources must be closed)
     */
    public synchronized Taken slotOf(T owner) {
        Integer own = slots.get(owner);
        if (own != null) {
            return new Taken(own, List.of());
        }
        List<Integer> freed = new ArrayList<>();
        slots.entrySet().removeIf(entry -> {
            if (alive.test(entry.getKey())) {
                return false;
            }
            freed.add(entry.getValue());
            return true;
        });
        TreeSet<Integer> used = new TreeSet<>(slots.values());
        int slot = 0;
        while (used.contains(slot)) {
            slot++;
        }
        slots.put(owner, slot);
        return new Taken(slot, List.copyOf(freed));
    }

    /** Forgets every owner (all slots free). */
    public synchronized void clear() {
        slots.clear();
    }

    /** Slots held now. */
    public synchronized int size() {
        return slots.size();
    }

    /**
     * @param slot  the owner's slot
     * @param freed slots whose owners were found dead (one of them may be {@code slot} itself, given again)
     */
    public record Taken(int slot, List<Integer> freed) {
    }
}
