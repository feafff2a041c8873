package cloud.acedata.dreamina.bridge.schedule;

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

    /** @return whether the worker may write the outcomes; false when the scheduler gave the batch up */
    public boolean claimForWriting() {
        return state.compareAndSet(State.POLLING, State.WRITING);
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
