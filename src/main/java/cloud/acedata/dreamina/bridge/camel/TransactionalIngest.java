package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.delivery.KafkaTransaction;
import cloud.acedata.dreamina.bridge.delivery.RecordSizeLimit;
import cloud.acedata.dreamina.bridge.kafka.BatchWrite;
import cloud.acedata.dreamina.bridge.kafka.RecordBatchWriter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The ingest step under exactly-once: the records one input poll becomes (pending records, invalid-input dead
 * letters, reduced dead letters) and that poll's input offsets, committed in one Kafka transaction of the consumer
 * thread's own producer ({@link IngestTransactions}), fenced through the consumer's group metadata (KIP-447). A
 * {@code read_committed} reader sees all of a poll's records or none, and the offsets move with them.
 *
 * <p>Failure semantics:
 * <ul>
 *   <li>A record too large to be written as it is is found <em>before</em> it is sent ({@link RecordSizeLimit}: the
 *   producer's {@code max.request.size}, and a topic's limit learned from the broker's first refusal — that refusal
 *   costs one abort, and the poll is tried again at once) and dead-lettered in its reduced form in the same
 *   transaction: never an abort loop.</li>
 *   <li>A record that fits in no form (a dead-letter topic too small even for the reduced dead letter) holds its
 *   partition: the transaction commits the rest of the poll, the partition's offset stays on that record, and the
 *   records behind it are named in the commit's metadata ({@link WrittenBeyond}) so that no one writes them again.
 *   Then the held record is tried in a transaction of its own (the topic may accept it now: an operator raised its
 *   limit) and, when it is refused still, the batch fails and the consumer reads the partition again from its
 *   offset.</li>
 *   <li>Any other failed send: the transaction is aborted (nothing of it is visible to a {@code read_committed}
 *   reader) and the poll tried again at once with the first failed record of each partition held as above — a
 *   wrong guess costs one small transaction. At most three tries per poll; then, or when the commit
 *   itself fails, the transaction is aborted and a {@link KafkaException} goes to the error policy, which retries
 *   the batch.</li>
 *   <li>Fenced (a newer producer of the same transactional id) or refused (no transactional ACL, transactions not
 *   supported): the producer is closed, said in one line, and the failure rethrown; the next batch opens a new one.</li>
 * </ul>
 */
public final class TransactionalIngest {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalIngest.class);
    /**
     * Tries of one poll before its failure goes to the error policy: a record refused whole, then its reduced form
     * refused too (each refusal teaches the topic's limit), then the poll without it.
     */
    private static final int ATTEMPTS = 3;

    /** One input record of the poll, where it was read. */
    public record Input(TopicPartition partition, long offset, ConsumerRecord<byte[], byte[]> record) {
    }

    /** Told of each record a committed transaction wrote. */
    @FunctionalInterface
    public interface Committed {
        void record(ProducerRecord<byte[], byte[]> record);
    }

    /** A record that holds its partition: where it was read, and the record the intake made of it. */
    private record Held(TopicPartition partition, long offset, ProducerRecord<byte[], byte[]> record) {
    }

    /** What one transaction writes: the records, the inputs they stand for, the offsets, the records that hold. */
    private record Plan(IngestCommit commit, List<ProducerRecord<byte[], byte[]>> writes, List<Input> sources,
                        Map<TopicPartition, Held> held) {
    }

    private final TaskIntake intake;
    private final IngestTransactions transactions;

    public TransactionalIngest(TaskIntake intake, IngestTransactions transactions) {
        this.intake = intake;
        this.transactions = transactions;
    }

    /**
     * Writes the records of one poll and commits them with its offsets, on the consumer's thread.
     *
     * @param inputs    the poll's records of partitions this consumer owns, in the order it read them
     * @param consumer  the consumer that read them (its committed offsets and group metadata)
     * @param timeout   bound on reading the committed offsets
     * @param committed told of each record written, once its transaction committed
     */
    public void ingest(List<Input> inputs, Consumer<?, ?> consumer, Duration timeout, Committed committed) {
        if (inputs.isEmpty()) {
            return;
        }
        try {
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            inputs.forEach(input -> partitions.add(input.partition()));
            // read_committed: waits for offsets a transaction of this group's has in flight (KIP-447).
            Map<TopicPartition, OffsetAndMetadata> before = consumer.committed(partitions, timeout);
            // After a failed try, again: a record too large is then reduced (the refusal taught its topic's limit),
            // or held when even its reduced form was refused; a record that failed otherwise, the first of its
            // partition, is held and tried alone below — so a wrong guess at which record failed costs only that.
            Map<TopicPartition, Input> suspects = new LinkedHashMap<>();
            Plan plan = plan(inputs, before, suspects);
            for (int attempt = 1; ; attempt++) {
                Map<TopicPartition, Input> failed = write(transactions.current(), plan, consumer,
                        attempt == ATTEMPTS);
                if (failed == null) {
                    break;
                }
                failed.forEach(suspects::putIfAbsent);
                plan = plan(inputs, before, suspects);
            }
            plan.writes().forEach(committed::record);

            KafkaTransaction transaction = transactions.current();
            Exception refused = null;
            for (Held record : plan.held().values()) {
                Exception failure = tryAlone(transaction, record, plan.commit(), consumer, committed);
                refused = refused != null ? refused : failure;
            }
            Map<TopicPartition, Long> stillHeld = plan.commit().held();
            if (!stillHeld.isEmpty()) {
                throw new KafkaException("Input offsets held at " + stillHeld + " by a record that could not be "
                        + "written (tried alone again at the next read); the rest of the poll is committed: "
                        + refused, refused);
            }
        } catch (RuntimeException e) {
            if (KafkaTransaction.isFatal(e)) {
                transactions.discard();
                LOG.error("Ingest producer closed: {} ({}); its open transaction is aborted and the batch read again "
                        + "by a new one. Check dreamina.delivery.guarantee=exactly-once against the broker: "
                        + "transactional-id ACLs, and that dreamina.instance.id differs between live instances",
                        KafkaTransaction.isFenced(e) ? "fenced by a newer producer of its transactional id"
                                : "the broker refuses its transactions", e.toString());
            }
            throw e;
        }
    }

    /**
     * What to write for the poll: each record not written before, as it fits (itself, or its reduced dead letter);
     * a record that fits in no form, or a {@code suspect} that failed otherwise, holds its partition.
     */
    private Plan plan(List<Input> inputs, Map<TopicPartition, OffsetAndMetadata> before,
                      Map<TopicPartition, Input> suspects) {
        IngestCommit commit = new IngestCommit(before);
        Map<TopicPartition, Held> held = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> writes = new ArrayList<>(inputs.size());
        List<Input> sources = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            if (commit.writtenBefore(input.partition(), input.offset())) {
                continue;
            }
            ProducerRecord<byte[], byte[]> record = intake.read(input.record()).record();
            ProducerRecord<byte[], byte[]> fitting = fitting(record);
            if (fitting == null || input.equals(suspects.get(input.partition()))) {
                commit.hold(input.partition(), input.offset());
                held.putIfAbsent(input.partition(), new Held(input.partition(), input.offset(), record));
            } else if (commit.mayWrite(input.partition(), input.offset())) {
                writes.add(fitting);
                sources.add(input);
            }
        }
        return new Plan(commit, writes, sources, held);
    }

    /**
     * Sends the plan's records and commits them with its offsets.
     *
     * @param last whether this is the poll's last try: a failed send is thrown
     * @return null when committed; after a failed send (the transaction aborted) the records to hold on the next try:
     * none when one was refused as too large (the limit learned reduces it), else the first that failed in each
     * partition
     * @throws KafkaException a failed commit, a fatal failure, or a failed send on the last try
     */
    private Map<TopicPartition, Input> write(KafkaTransaction transaction, Plan plan, Consumer<?, ?> consumer,
                                             boolean last) {
        List<ProducerRecord<byte[], byte[]>> writes = plan.writes();
        BatchWrite write = new RecordBatchWriter(record -> transaction.send(record, null)).writeAll(writes);
        Exception failure = transaction.failure() != null ? transaction.failure()
                : write.allWritten() ? null : write.failure(write.firstFailed());
        if (failure != null) {
            KafkaException aborted = abort(transaction, write.failedCount() + " of " + writes.size()
                    + " records not written", failure);
            if (last || KafkaTransaction.isFatal(aborted)) {
                throw aborted;
            }
            Map<TopicPartition, Input> suspects = new LinkedHashMap<>();
            boolean tooLarge = failure instanceof RecordTooLargeException;
            for (int i = 0; i < writes.size(); i++) {
                tooLarge |= write.failure(i) instanceof RecordTooLargeException;
                if (!write.written(i)) {
                    suspects.putIfAbsent(plan.sources().get(i).partition(), plan.sources().get(i));
                }
            }
            // Too large: the others failed with it (one transaction); the limit learned is enough.
            return tooLarge ? Map.of() : suspects;
        }
        try {
            transaction.commit(plan.commit().offsets(), consumer.groupMetadata());
        } catch (KafkaException e) {
            throw abort(transaction, "the commit failed", e);
        }
        return null;
    }

    /** The record as it may be sent: itself, else its reduced dead letter, else null (it fits in no form). */
    private ProducerRecord<byte[], byte[]> fitting(ProducerRecord<byte[], byte[]> record) {
        RecordSizeLimit limits = transactions.limits();
        if (limits.fits(record.topic(), RecordSizeLimit.sizeOf(record))) {
            return record;
        }
        ProducerRecord<byte[], byte[]> reduced = reduced(record);
        return limits.fits(reduced.topic(), RecordSizeLimit.sizeOf(reduced)) ? reduced : null;
    }

    private ProducerRecord<byte[], byte[]> reduced(ProducerRecord<byte[], byte[]> record) {
        int size = RecordSizeLimit.sizeOf(record);
        return intake.reducedDeadLetter(record,
                new RecordTooLargeException(transactions.limits().why(record.topic(), size)));
    }

    /** Sends the records and commits them with the offsets; on any failure aborts and throws. */
    private void write(KafkaTransaction transaction, List<ProducerRecord<byte[], byte[]>> writes,
                       Map<TopicPartition, OffsetAndMetadata> offsets, Consumer<?, ?> consumer) {
        BatchWrite write = new RecordBatchWriter(record -> transaction.send(record, null)).writeAll(writes);
        Exception failure = transaction.failure() != null ? transaction.failure()
                : write.allWritten() ? null : write.failure(write.firstFailed());
        if (failure != null) {
            throw abort(transaction, write.failedCount() + " of " + writes.size() + " records not written", failure);
        }
        try {
            transaction.commit(offsets, consumer.groupMetadata());
        } catch (KafkaException e) {
            throw abort(transaction, "the commit failed", e);
        }
    }

    /**
     * Tries a record that fits in no form by the limits learned, in a transaction of its own, as it is and then
     * reduced: a topic's limit may have been raised since it refused. Sent past the size check on purpose; a refusal
     * aborts only this transaction. Written: its partition's offset passes it and the records behind it.
     */
    private Exception tryAlone(KafkaTransaction transaction, Held held, IngestCommit commit, Consumer<?, ?> consumer,
                               Committed committed) {
        List<ProducerRecord<byte[], byte[]>> forms = new ArrayList<>(2);
        ProducerRecord<byte[], byte[]> fitting = fitting(held.record());
        if (fitting != null) {
            forms.add(fitting); // held as the first failure of its partition: maybe not its fault
        } else {
            if (RecordSizeLimit.sizeOf(held.record()) <= transactions.maxRequestSize()) {
                forms.add(held.record());
            }
            forms.add(reduced(held.record()));
        }
        Exception last = null;
        for (ProducerRecord<byte[], byte[]> form : forms) {
            try {
                transaction.sendUnchecked(form).get();
            } catch (ExecutionException refused) {
                LOG.debug("A held record of {}@{} still refused: {}", held.partition(), held.offset(),
                        refused.getCause().toString());
                last = refused.getCause() instanceof Exception cause ? cause : refused;
                abortAlone(transaction, last);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw abort(transaction, "interrupted while writing a held record", e);
            } catch (KafkaException e) {
                throw abort(transaction, "a held record's send failed", e);
            }
            commit.written(held.partition(), held.offset());
            try {
                transaction.commit(commit.offsets(), consumer.groupMetadata());
            } catch (KafkaException e) {
                throw abort(transaction, "the commit of a held record failed", e);
            }
            committed.record(form);
            return null;
        }
        return last;
    }

    private void abortAlone(KafkaTransaction transaction, Throwable cause) {
        try {
            transaction.abort();
        } catch (KafkaException e) {
            e.addSuppressed(cause);
            transactions.discard();
            throw e;
        }
    }

    /** Aborts the transaction and gives the failure to throw; a failed abort closes the producer. */
    private KafkaException abort(KafkaTransaction transaction, String what, Exception cause) {
        LOG.warn("Ingest transaction aborted: {}: {}", what, cause.toString());
        try {
            transaction.abort();
        } catch (RuntimeException abortFailed) {
            cause.addSuppressed(abortFailed);
            transactions.discard();
        }
        return cause instanceof KafkaException kafka && KafkaTransaction.isFatal(kafka) ? kafka
                : new KafkaException("Ingest transaction aborted, the poll is written again: " + what + ": " + cause,
                cause);
    }
}
