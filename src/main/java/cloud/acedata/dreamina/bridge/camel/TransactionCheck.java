package cloud.acedata.dreamina.bridge.camel;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Under exactly-once, registers the poll path's transactional id with the broker once Camel main has configured the
 * {@code kafka} component and before any route starts ({@link PollTransactions#prepare}): a broker that refuses
 * transactions stops the start in one line, with nothing read.
 */
public final class TransactionCheck extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        PollTransactions transactions = main.getCamelContext().getRegistry()
                .lookupByNameAndType("pollTransactions", PollTransactions.class);
        if (transactions != null) {
            transactions.prepare();
        }
    }
}
