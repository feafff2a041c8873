package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiUnavailableException;
import cloud.acedata.dreamina.bridge.api.RequestFailedException;
import cloud.acedata.dreamina.bridge.schedule.BatchHandler;
import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.BitSet;
import java.util.List;

/**
 * A batch of due tasks through the {@code poll-tasks} route (the API's answer, then each outcome written), and
 * what became of each task, for the scheduler:
 * <ul>
 *   <li>the API unavailable, a request failed, the batch given up: nothing was written;</li>
 *   <li>a finished task too large for the output topic is dead-lettered instead, code {@value #CODE_TOO_LARGE} (the
 *       dead letter carries the small original input) — retrying would fail the same way for ever;</li>
 *   <li>a topic that refuses the bridge (not authorised, missing with auto-creation off) pauses the tasks, as a
 *       refused token does; any other failed write is retried after the error pause.</li>
 * </ul>
 */
public final class PollTasksRoute implements BatchHandler {

    static final String CODE_TOO_LARGE = "record_too_large";

    private final ProducerTemplate template;
    private final String pollUri;
    private final String deadLetterUri;
    private final String pendingUri;

    public PollTasksRoute(ProducerTemplate template, String pollUri, String deadLetterUri, String pendingUri) {
        this.template = template;
        this.pollUri = pollUri;
        this.deadLetterUri = deadLetterUri;
        this.pendingUri = pendingUri;
    }

    @Override
    public BatchResult handle(List<PendingTask> tasks, BatchTicket ticket) {
        WriteReceipts receipts = new WriteReceipts();
        Exchange exchange = template.send(pollUri, e -> {
            e.getIn().setBody(tasks);
            e.setProperty(BatchTicket.PROPERTY, ticket);
            e.setProperty(WriteReceipts.PROPERTY, receipts);
        });
        Exception failure = exchange.getException();
        if (failure != null) {
            ApiUnavailableException unavailable = ObjectHelper.getException(ApiUnavailableException.class, failure);
            if (unavailable != null) {
                return BatchResult.apiUnavailable(unavailable.getMessage(), unavailable.retryAt());
            }
            RequestFailedException requestFailed = ObjectHelper.getException(RequestFailedException.class, failure);
            if (requestFailed != null) {
                return BatchResult.requestFailed(requestFailed.getMessage());
            }
            if (ObjectHelper.getException(BatchClaim.Abandoned.class, failure) != null) {
                return BatchResult.abandoned();
            }
        }
        return fromReceipts(tasks, receipts, failure);
    }

    /**
     * Each task back onto the pending topic through the {@code schedule-task} route, as it is (the scheduler set when
     * it is due); the API is not asked.
     */
    @Override
    public BatchResult writeBack(List<PendingTask> tasks, BatchTicket ticket) {
        if (!ticket.claimForWriting()) {
            return BatchResult.abandoned();
        }
        BitSet written = new BitSet(tasks.size());
        BatchResult.Kind kind = BatchResult.Kind.DONE;
        String reason = "";
        for (int i = 0; i < tasks.size(); i++) {
            TaskOutcome outcome = TaskOutcome.writtenBack(tasks.get(i));
            Exception failure = template.send(pendingUri, e -> OutcomeMessage.write(e.getIn(), outcome))
                    .getException();
            if (failure == null) {
                written.set(i);
                continue;
            }
            if (isUnwritable(failure)) {
                kind = BatchResult.Kind.TOPIC_UNWRITABLE;
            } else if (kind == BatchResult.Kind.DONE) {
                kind = BatchResult.Kind.WRITE_FAILED;
            }
            reason = failure.toString();
        }
        return new BatchResult(kind, written, reason, null);
    }

    private BatchResult fromReceipts(List<PendingTask> tasks, WriteReceipts receipts, Exception routeFailure) {
        BitSet written = new BitSet(tasks.size());
        BitSet published = new BitSet(tasks.size());
        BatchResult.Kind kind = BatchResult.Kind.DONE;
        String reason = routeFailure == null ? "" : routeFailure.toString();
        for (int i = 0; i < tasks.size(); i++) {
            WriteReceipts.Receipt receipt = receipts.receipt(i);
            if (receipt != null && receipt.written()) {
                written.set(i);
                if (receipt.outcome() != null && receipt.outcome().destination() == TaskOutcome.Destination.OUTPUT) {
                    published.set(i);
                }
                continue;
            }
            Exception failure = receipt == null ? routeFailure : receipt.failure();
            if (receipt != null && isTooLargeForOutput(receipt) && deadLetterTooLarge(tasks.get(i), receipt)) {
                written.set(i);
                continue;
            }
            if (failure != null && isUnwritable(failure)) {
                kind = BatchResult.Kind.TOPIC_UNWRITABLE;
            } else if (kind == BatchResult.Kind.DONE) {
                kind = BatchResult.Kind.WRITE_FAILED;
            }
            reason = failure == null ? "no outcome" : failure.toString();
        }
        return new BatchResult(kind, written, reason, null, published);
    }

    private static boolean isTooLargeForOutput(WriteReceipts.Receipt receipt) {
        return receipt.outcome() != null && receipt.outcome().destination() == TaskOutcome.Destination.OUTPUT
                && ObjectHelper.getException(RecordTooLargeException.class, receipt.failure()) != null;
    }

    /** @return whether the dead letter was written */
    private boolean deadLetterTooLarge(PendingTask task, WriteReceipts.Receipt receipt) {
        TaskOutcome deadLetter = TaskOutcome.deadLetter(task, CODE_TOO_LARGE, "The finished task's detail ("
                + receipt.outcome().value().length + " bytes) is larger than the output topic accepts: "
                + receipt.failure().getMessage(), null);
        String videoUrl = receipt.outcome().header(BridgeHeaders.VIDEO_URL);
        if (videoUrl != null) {
            deadLetter.headers().put(BridgeHeaders.VIDEO_URL, videoUrl);
        }
        Exchange exchange = template.send(deadLetterUri, e -> OutcomeMessage.write(e.getIn(), deadLetter));
        return exchange.getException() == null;
    }

    /** Not authorised, or the topic does not exist (auto-creation off): no retry will help until an operator acts. */
    private static boolean isUnwritable(Exception failure) {
        if (ObjectHelper.getException(AuthorizationException.class, failure) != null
                || ObjectHelper.getException(UnknownTopicOrPartitionException.class, failure) != null) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException
                    && String.valueOf(t.getMessage()).contains("not present in metadata")) {
                return true;
            }
        }
        return false;
    }
}
