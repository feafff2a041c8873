package cloud.acedata.dreamina.bridge.schedule;

import cloud.acedata.dreamina.bridge.delivery.TransactionGate;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One batch handed to a worker, and the one decision the scheduler and the worker must agree on: whether its
 * outcomes are written. A stopping scheduler gives up a batch still waiting for the API ({@link #abandon}); a worker
 * claims it before writing anything ({@link #claimForWriting}). Exactly one of the two wins, so a batch is either
 * written completely (and committed) or not at all (and read again by the next owner): never half.
 */
public final class BatchTicket {

    /** The exchange property under which the poll route finds the ticket. */
    public static final String PROPERTY = "dreaminaBatchTicket";

    private enum State { POLLING, WRITING, ABANDONED }

    private final AtomicReference<State> state = new AtomicReference<>(State.POLLING);
    /** Under exactly-once: the writes of a claimed batch happen inside the transaction's gate. */
    private volatile TransactionGate gate;
    private final AtomicBoolean inside = new AtomicBoolean();

    /** Under exactly-once: a claim enters {@code gate}, and {@link #written} leaves it. */
    void writeThrough(TransactionGate gate) {
        this.gate = gate;
    }

    /**
     * Idempotent: the batch's worker may claim again before another write (the second claim changes nothing).
     *
     * @return whether the worker may write the outcomes; false when the scheduler gave the batch up (or the worker
     * was interrupted waiting for a commit to end)
     */
    public boolean claimForWriting() {
        if (state.get() == State.WRITING) {
            return true; // claimed before by this batch's worker (a write after the route's own claim)
        }
        TransactionGate g = gate;
        if (g != null) {
            try {
                g.enter();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            inside.set(true);
        }
        boolean claimed = state.compareAndSet(State.POLLING, State.WRITING);
        if (!claimed) {
            written();
        }
        return claimed;
    }

    /**
     * The batch's writes are over and its result handed to the scheduler: under exactly-once it leaves the gate, so
     * that the next commit, which waits for it, finds the result and commits its offsets with its writes.
     */
    void written() {
        TransactionGate g = gate;
        if (g != null && inside.compareAndSet(true, false)) {
            g.leave();
        }
    }

    /** Whether the batch was given up: a worker that has not begun need not ask the API. */
    boolean isAbandoned() {
        return state.get() == State.ABANDONED;
    }

    /** @return whether the batch was given up before any write; false when its writes already started */
    boolean abandon() {
        return state.compareAndSet(State.POLLING, State.ABANDONED);
    }
}
