package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.DeliverySettings;
import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.delivery.RecordSizeLimit;
import cloud.acedata.dreamina.bridge.delivery.TransactionEvents;
import cloud.acedata.dreamina.bridge.kafka.KafkaClients;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

import java.util.function.Supplier;

/**
 * The poll path's transactional producer (id {@code <group>.<instance>.pending}), one per run of the scheduler's
 * consumer. The first is {@linkplain #prepare prepared} before any route starts ({@link TransactionCheck}): a broker
 * that refuses the bridge's transactions (no ACL, too few brokers for its transaction log) then stops the start in
 * one line naming {@code dreamina.delivery.guarantee}, before anything was read. Bound as {@code pollTransactions}
 * under exactly-once.
 */
public final class PollTransactions extends ServiceSupport implements Supplier<KafkaTransaction> {

    private final CamelContext context;
    private final DeliverySettings delivery;
    private final TransactionEvents events;
    private KafkaTransaction prepared;

    public PollTransactions(CamelContext context, DeliverySettings delivery, TransactionEvents events) {
        this.context = context;
        this.delivery = delivery;
        this.events = events;
    }

    /** Opens the first transaction's producer now (registering its id with the broker). */
    public synchronized void prepare() {
        if (prepared == null) {
            prepared = open();
        }
    }

    /** The prepared producer's transaction the first time, then a new one for each run. */
    @Override
    public synchronized KafkaTransaction get() {
        KafkaTransaction transaction = prepared;
        prepared = null;
        return transaction != null ? transaction : open();
    }

    private KafkaTransaction open() {
        KafkaClients clients = new KafkaClients(context);
        String id = delivery.transactionalId("pending");
        try {
            return KafkaTransaction.open(clients.transactionalProducer(id, delivery.transactionTimeout()),
                    new RecordSizeLimit(clients.maxRequestSize()), events, "poll");
        } catch (TimeoutException e) {
            throw new SettingException("dreamina.delivery.guarantee", "is exactly-once but no transaction "
                    + "coordinator answered for transactional id '" + id + "' (" + e.getMessage() + "): does the "
                    + "cluster have as many brokers as its transaction.state.log.replication.factor? Or set "
                    + "at-least-once");
        } catch (KafkaException e) {
            if (KafkaTransaction.isRefused(e)) {
                throw new SettingException("dreamina.delivery.guarantee", "is exactly-once but the broker refuses "
                        + "transactional id '" + id + "' (" + e.getClass().getSimpleName() + "): grant WRITE and "
                        + "DESCRIBE on transactional ids prefixed '" + delivery.transactionalIdPrefix()
                        + "' (README \"Kafka security\"), or set at-least-once");
            }
            throw e;
        }
    }

    @Override
    protected void doStart() {
        // opened on demand
    }

    /** A prepared producer no run took (the start failed later) is closed. */
    @Override
    protected synchronized void doStop() {
        if (prepared != null) {
            prepared.close();
            prepared = null;
        }
    }
}
