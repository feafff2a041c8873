package cloud.acedata.dreamina.bridge.delivery;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SlotsTest {

    /** An owner whose death the test decides. */
    private static final class Owner {
        boolean alive = true;
    }

    private final Slots<Owner> slots = new Slots<>(owner -> owner.alive);

    @Test
    void eachLiveOwnerHasItsOwnLowestSlotAndKeepsIt() {
        Owner a = new Owner();
        Owner b = new Owner();
        Owner c = new Owner();

        assertEquals(0, slots.slotOf(a).slot());
        assertEquals(1, slots.slotOf(b).slot());
        assertEquals(2, slots.slotOf(c).slot());
        assertEquals(0, slots.slotOf(a).slot(), "the same slot again");
        assertEquals(1, slots.slotOf(b).slot());
    }

    @Test
    void aDeadOwnersSlotIsTheNextNewOwnersAndSaidFreed() {
        Owner a = new Owner();
        Owner b = new Owner();
        slots.slotOf(a);
        slots.slotOf(b);
        a.alive = false;

        Slots.Taken taken = slots.slotOf(new Owner());

        assertEquals(0, taken.slot(), "the lowest free slot");
        assertEquals(List.of(0), taken.freed(), "its resources must be closed");
        assertEquals(1, slots.slotOf(b).slot(), "a live owner keeps its slot");
        assertEquals(2, slots.size());
    }

    @Test
    void aSlotHeldByALiveOwnerIsNeverGivenToAnother() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            assertEquals(true, seen.add(slots.slotOf(new Owner()).slot()), "two live owners shared a slot");
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
    }

    @Test
    void aRestartedSetOfOwnersTakesTheSameSlotsAgain() {
        Owner a = new Owner();
        Owner b = new Owner();
        slots.slotOf(a);
        slots.slotOf(b);
        a.alive = false;
        b.alive = false;

        assertEquals(0, slots.slotOf(new Owner()).slot());
        assertEquals(1, slots.slotOf(new Owner()).slot());
        slots.clear();
        assertEquals(0, slots.slotOf(new Owner()).slot(), "after clear every slot is free");
    }

    @Test
    void realThreadsAreFreedOnceTheyAreDead() throws Exception {
        Slots<Thread> threads = new Slots<>(Thread::isAlive);
        int[] slotOfWorker = new int[1];
        Thread worker = new Thread(() -> slotOfWorker[0] = threads.slotOf(Thread.currentThread()).slot());
        worker.start();
        worker.join();

        Slots.Taken mine = threads.slotOf(Thread.currentThread());

        assertEquals(0, slotOfWorker[0]);
        assertEquals(0, mine.slot(), "the dead worker's slot");
        assertEquals(List.of(0), mine.freed());
    }
}
