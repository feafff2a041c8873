package cloud.acedata.dreamina.bridge.delivery;

/**
 * Keeps a transaction's commit apart from the writes that belong in it. A batch's writes happen between
 * {@link #enter} and {@link #leave} (on a worker); the committer {@link #close closes} the gate, which waits until
 * every batch inside has left, commits, and {@link #open opens} it again. So a commit never cuts a batch in two: each
 * batch's outcomes are all in one transaction, and the committer knows every batch that wrote in it. Batches that
 * come while the gate is closed wait (a commit takes milliseconds). A batch inside does not wait for the broker's
 * answers: a write is done once the transaction holds it ({@link TransactionBoundProducer}), and the commit waits for
 * the answers itself.
 */
public final class TransactionGate {

    private int inside;
    private boolean closed;

    /** A batch begins to write: waits while a commit runs. */
    public synchronized void enter() throws InterruptedException {
        while (closed) {
            wait();
        }
        inside++;
    }

    /** The batch has written (or failed to): every write of it is in the transaction, or was refused. */
    public synchronized void leave() {
        if (inside <= 0) {
            throw new IllegalStateException("leave() without enter()");
        }
        inside--;
        if (inside == 0) {
            notifyAll();
        }
    }

    /**
     * Closes the gate and waits until no batch is inside.
     *
     * @return false when batches are still inside after {@code timeoutMillis} (the gate stays closed: open it)
     */
    public synchronized boolean close(long timeoutMillis) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (inside > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return true;
    }

    /** Lets batches in again. */
    public synchronized void open() {
        closed = false;
        notifyAll();
    }

    /** Batches writing now. */
    public synchronized int inside() {
        return inside;
    }
}
