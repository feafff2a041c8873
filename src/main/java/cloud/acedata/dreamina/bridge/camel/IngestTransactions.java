package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.DeliverySettings;
import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.delivery.TransactionEvents;
import cloud.acedata.dreamina.bridge.delivery.RecordSizeLimit;
import cloud.acedata.dreamina.bridge.delivery.Slots;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The ingest consumers' transactional producers under exactly-once: one per consumer thread (KIP-447: each fenced
 * through its own consumer's group metadata), with the transactional id {@code <group>.<instance>.ingest-<slot>} of the
 * thread's {@link Slots slot}. Each is opened when its thread first needs it and closed when the Camel context stops
 * (after the routes), when its thread is found dead, or when it is {@link #discard discarded} after a fatal failure.
 * Registered as a context service.
 */
public final class IngestTransactions extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IngestTransactions.class);

    private final DeliverySettings delivery;
    private final Function<String, Producer<byte[], byte[]>> producers;
    private final IntSupplier maxRequestSize;
    private final TransactionEvents events;
    private final Slots<Thread> slots = new Slots<>(Thread::isAlive);
    private final Map<Integer, KafkaTransaction> open = new ConcurrentHashMap<>();
    private volatile RecordSizeLimit limits;

    /**
     * @param producers      a transactional producer for a transactional id
     * @param maxRequestSize the producers' {@code max.request.size}
     */
    public IngestTransactions(DeliverySettings delivery, Function<String, Producer<byte[], byte[]>> producers,
                              IntSupplier maxRequestSize) {
        this(delivery, producers, maxRequestSize, TransactionEvents.NONE);
    }

    /** @param events told of each ingest transaction committed or aborted (the metrics) */
    public IngestTransactions(DeliverySettings delivery, Function<String, Producer<byte[], byte[]>> producers,
                              IntSupplier maxRequestSize, TransactionEvents events) {
        this.events = events;
        this.delivery = delivery;
        this.producers = producers;
        this.maxRequestSize = maxRequestSize;
    }

    /** The transactional id of slot {@code slot}. */
    public String transactionalId(int slot) {
        return delivery.transactionalId("ingest-" + slot);
    }

    /** The calling thread's transaction, opened now when it has none (which aborts what its id left open before). */
    public KafkaTransaction current() {
        RecordSizeLimit sizeLimit = limits;
        if (sizeLimit == null) {
            throw new IllegalStateException("The ingest transactions are not started");
        }
        Slots.Taken taken = slots.slotOf(Thread.currentThread());
        for (int freed : taken.freed()) {
            close(freed);
        }
        KafkaTransaction transaction = open.get(taken.slot());
        if (transaction == null) {
            String id = transactionalId(taken.slot());
            transaction = KafkaTransaction.open(producers.apply(id), sizeLimit, events, "ingest");
            open.put(taken.slot(), transaction);
            LOG.debug("Ingest transactions of {} on {}", Thread.currentThread().getName(), id);
        }
        return transaction;
    }

    /** The size limits every ingest transaction checks a record against before it is sent. */
    public RecordSizeLimit limits() {
        RecordSizeLimit sizeLimit = limits;
        if (sizeLimit == null) {
            throw new IllegalStateException("The ingest transactions are not started");
        }
        return sizeLimit;
    }

    /** The producers' {@code max.request.size}. */
    public int maxRequestSize() {
        return maxRequestSize.getAsInt();
    }

    /** Closes the calling thread's producer (fenced or refused): its next batch opens a new one. */
    public void discard() {
        close(slots.slotOf(Thread.currentThread()).slot());
    }

    @Override
    protected void doStart() {
        limits = new RecordSizeLimit(maxRequestSize.getAsInt());
    }

    @Override
    protected void doStop() {
        for (Integer slot : open.keySet()) {
            close(slot);
        }
        slots.clear();
    }

    private void close(int slot) {
        KafkaTransaction transaction = open.remove(slot);
        if (transaction != null) {
            transaction.close();
        }
    }
}
