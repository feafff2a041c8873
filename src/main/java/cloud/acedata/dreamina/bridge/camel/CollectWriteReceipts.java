package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * The {@code poll-tasks} route's split aggregation: notes each outcome's write — acknowledged, or failed and why —
 * in the batch's {@link WriteReceipts}, and lets the other outcomes of the batch be written whatever one of them
 * met. So a batch is never retried as a whole: only the tasks whose write failed are read again, and an outcome
 * already acknowledged is never written twice.
 */
public final class CollectWriteReceipts implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        WriteReceipts receipts = newExchange.getProperty(WriteReceipts.PROPERTY, WriteReceipts.class);
        Integer index = newExchange.getProperty(ExchangePropertyKey.SPLIT_INDEX, Integer.class);
        if (receipts != null && index != null) {
            receipts.record(index, newExchange.getProperty(OutcomeMessage.OUTCOME, TaskOutcome.class),
                    newExchange.getException());
        }
        Exchange result = oldExchange == null ? newExchange : oldExchange;
        // Noted in the receipts: a failed write fails its own task, not the whole batch.
        result.setException(null);
        return result;
    }
}
