package cloud.acedata.dreamina.bridge.delivery;

/**
 * The poll path's transaction of the moment, as the YAML routes' {@code kafka:} endpoints reach it
 * ({@link TransactionBoundProducer}): set by the pending-task scheduler for each run of its consumer, cleared when
 * the run ends. One per bridge.
 */
public final class RouteTransaction {

    private volatile KafkaTransaction current;

    /**
     * The transaction the routes write into; fails when none is open (no scheduler run, or the route was called
     * outside a batch of it).
     */
    public KafkaTransaction current() {
        KafkaTransaction transaction = current;
        if (transaction == null) {
            throw new IllegalStateException("no transaction of the pending-task scheduler is open: under "
                    + "dreamina.delivery.guarantee=exactly-once the routes' kafka: endpoints write only for its "
                    + "batches");
        }
        return transaction;
    }

    public void set(KafkaTransaction transaction) {
        current = transaction;
    }

    /** Clears it if it is still {@code transaction}. */
    public void clear(KafkaTransaction transaction) {
        if (current == transaction) {
            current = null;
        }
    }
}
