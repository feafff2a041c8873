package cloud.acedata.dreamina.bridge.camel;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Commits the input record's offset, synchronously and on the consumer's own thread. Routes call it last, after
 * the pending or dead-letter write was acknowledged: an offset never moves past a record that was not written.
 */
public final class OffsetCommit {

    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("No manual commit on the exchange: the kafka consumer needs "
                    + "allowManualCommit=true and autoCommitEnable=false");
        }
        commit.commit();
    }
}
