package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiUnavailableException;
import cloud.acedata.dreamina.bridge.api.RequestFailedException;
import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.schedule.BatchHandler;
import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.ReducedDeadLetter;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.BitSet;
import java.util.List;

/**
 * A batch of due tasks through the {@code poll-tasks} route (the API's answer, then each outcome written), and
 * what became of each task, for the scheduler:
 * <ul>
 *   <li>the API unavailable, a request failed, the batch given up: nothing was written;</li>
 *   <li>an outcome too large to be written ({@code max.request.size}, {@code max.message.bytes}) is dead-lettered
 *       instead, code {@value BridgeHeaders#CODE_RECORD_TOO_LARGE}: a finished task with the small original input
 *       when that fits, else — and for a dead letter or pending record too large — as a
 *       {@linkplain ReducedDeadLetter reduced dead letter} that always fits; retrying would fail the same way for
 *       ever;</li>
 *   <li>a topic that refuses the bridge (not authorised, missing with auto-creation off) pauses the tasks, as a
 *       refused token does; any other failed write is retried after the error pause;</li>
 *   <li>anything else the route throws (a defect, an answer no rule foresaw) fails the tasks of this batch as a
 *       failing request does: they are isolated, a task alone waits its own backoff, and a task alone past its
 *       deadline is dead-lettered {@value BridgeHeaders#CODE_BRIDGE_ERROR}, naming the error — never the whole
 *       batch read again for ever.</li>
 * </ul>
 */
public final class PollTasksRoute implements BatchHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PollTasksRoute.class);

    private final ProducerTemplate template;
    private final String pollUri;
    private final String deadLetterUri;
    private final String pendingUri;
    private final Clock clock;

    public PollTasksRoute(ProducerTemplate template, String pollUri, String deadLetterUri, String pendingUri,
                          Clock clock) {
        this.template = template;
        this.pollUri = pollUri;
        this.deadLetterUri = deadLetterUri;
        this.pendingUri = pendingUri;
        this.clock = clock;
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
            if (receipts.isEmpty()) {
                return handlingFailed(tasks, ticket, failure);
            }
        }
        return fromReceipts(tasks, ticket, receipts, failure);
    }

    /**
     * Each task back onto the pending topic through the {@code schedule-task} route, as it is (the scheduler set when
     * it is due); the API is not asked. A copy too large to write (its headers grew past the limit) is dead-lettered
     * in the reduced form instead, never retried for ever.
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
            if (failure != null && isTooLarge(failure)) {
                failure = writeReduced(outcome, failure);
            }
            if (failure == null) {
                written.set(i);
                continue;
            }
            kind = afterFailedWrite(kind, failure);
            reason = failure.toString();
        }
        return new BatchResult(kind, written, reason, null);
    }

    /** The route threw before any write, for no reason the rules know: isolated like a failing request. */
    private BatchResult handlingFailed(List<PendingTask> tasks, BatchTicket ticket, Exception failure) {
        LOG.warn("Handling {} due tasks failed unexpectedly; isolated like a failing request", tasks.size(), failure);
        PendingTask task = tasks.get(0);
        if (tasks.size() > 1 || clock.millis() < task.deadlineMillis()) {
            return BatchResult.requestFailed("handling failed: " + failure);
        }
        // A write like any other: only for a batch not given up, inside its transaction (exactly-once).
        if (!ticket.claimForWriting()) {
            return BatchResult.abandoned();
        }
        TaskOutcome deadLetter = TaskOutcome.deadLetter(task, BridgeHeaders.CODE_BRIDGE_ERROR, "Task not handled "
                + "within dreamina.poll.max-wait after " + (task.polls() + 1) + " polls; the bridge fails on it: "
                + failure, null);
        Exception notWritten = writeDeadLetter(deadLetter);
        if (notWritten != null && isTooLarge(notWritten)) {
            notWritten = writeReduced(deadLetter, notWritten);
        }
        if (notWritten == null) {
            return BatchResult.done(1);
        }
        return new BatchResult(KafkaTransaction.isTopicUnwritable(notWritten) ? BatchResult.Kind.TOPIC_UNWRITABLE
                : BatchResult.Kind.WRITE_FAILED, new BitSet(), notWritten.toString(), null);
    }

    private BatchResult fromReceipts(List<PendingTask> tasks, BatchTicket ticket, WriteReceipts receipts,
                                     Exception routeFailure) {
        BitSet written = new BitSet(tasks.size());
        BitSet published = new BitSet(tasks.size());
        BatchResult.Kind kind = BatchResult.Kind.DONE;
        String reason = routeFailure == null ? "" : routeFailure.toString();
        Exception handlingFailure = null;
        for (int i = 0; i < tasks.size(); i++) {
            WriteReceipts.Receipt receipt = receipts.receipt(i);
            if (receipt != null && receipt.written()) {
                written.set(i);
                if (receipt.outcome() != null && receipt.outcome().destination() == TaskOutcome.Destination.OUTPUT) {
                    published.set(i);
                }
                continue;
            }
            Exception failure = receipt != null ? receipt.failure() : routeFailure != null ? routeFailure
                    : new IllegalStateException("the poll-tasks route gave this task no outcome");
            if (receipt != null && receipt.outcome() != null && isTooLarge(receipt.failure())) {
                failure = writeInstead(tasks.get(i), receipt);
                if (failure == null) {
                    written.set(i);
                    continue;
                }
            }
            if (!isKafkaFailure(failure)) {
                handlingFailure = failure; // not a write Kafka refused: the bridge failed on this task's outcome
                continue;
            }
            kind = afterFailedWrite(kind, failure);
            reason = failure.toString();
        }
        if (kind == BatchResult.Kind.DONE && handlingFailure != null) {
            // Only outcomes the bridge failed on are left: isolated like a failing request. (Beside a failed write
            // they are read again with it, and meet this rule when the write succeeds.)
            return written.isEmpty() ? handlingFailed(tasks, ticket, handlingFailure)
                    : new BatchResult(BatchResult.Kind.REQUEST_FAILED, written, "handling failed: " + handlingFailure,
                    null, published);
        }
        return new BatchResult(kind, written, reason, null, published);
    }

    private static boolean isKafkaFailure(Exception failure) {
        return ObjectHelper.getException(KafkaException.class, failure) != null;
    }

    /**
     * The last resort for an outcome too large to be written: a finished task's dead letter with its small original
     * input when that fits; otherwise (and for a dead letter or pending record too large) its reduced dead letter.
     *
     * @return null when a dead letter was written, else why not
     */
    private Exception writeInstead(PendingTask task, WriteReceipts.Receipt receipt) {
        TaskOutcome unwritable = receipt.outcome();
        Exception refusal = receipt.failure();
        if (unwritable.destination() == TaskOutcome.Destination.OUTPUT) {
            TaskOutcome deadLetter = TaskOutcome.deadLetter(task, BridgeHeaders.CODE_RECORD_TOO_LARGE, "The finished "
                    + "task's detail (" + unwritable.value().length + " bytes) is larger than the output topic "
                    + "accepts: " + refusal.getMessage(), null);
            String videoUrl = unwritable.header(BridgeHeaders.VIDEO_URL);
            if (videoUrl != null) {
                deadLetter.headers().put(BridgeHeaders.VIDEO_URL, videoUrl);
            }
            refusal = writeDeadLetter(deadLetter);
            if (refusal == null || !isTooLarge(refusal)) {
                return refusal;
            }
            unwritable = deadLetter;
        }
        return writeReduced(unwritable, refusal);
    }

    /** @return null when the reduced dead letter of {@code unwritable} was written, else why not */
    private Exception writeReduced(TaskOutcome unwritable, Exception refusal) {
        String what = switch (unwritable.destination()) {
            case OUTPUT -> "output record";
            case DEAD_LETTER -> "dead letter";
            case PENDING -> "pending record";
        };
        return writeDeadLetter(ReducedDeadLetter.of(unwritable,
                ReducedDeadLetter.why(what, ReducedDeadLetter.sizeOf(unwritable), refusal)));
    }

    /** @return null when the dead letter was written, else why not */
    private Exception writeDeadLetter(TaskOutcome deadLetter) {
        return template.send(deadLetterUri, e -> OutcomeMessage.write(e.getIn(), deadLetter)).getException();
    }

    private static boolean isTooLarge(Exception failure) {
        return ObjectHelper.getException(RecordTooLargeException.class, failure) != null;
    }

    /** What a batch became once {@code failure} refused one of its writes: unwritable wins over a failed write. */
    private static BatchResult.Kind afterFailedWrite(BatchResult.Kind kind, Exception failure) {
        if (KafkaTransaction.isTopicUnwritable(failure)) {
            return BatchResult.Kind.TOPIC_UNWRITABLE;
        }
        return kind == BatchResult.Kind.DONE ? BatchResult.Kind.WRITE_FAILED : kind;
    }
}
