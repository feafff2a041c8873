package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.kafka.BatchWrite;
import cloud.acedata.dreamina.bridge.kafka.RecordBatchWriter;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code ingest-tasks} route's step for one batch of input records (camel-kafka {@code batching=true}: the body
 * is the list of record exchanges): reads each record ({@link TaskIntake}), writes them all at once — valid ones to
 * the pending topic, invalid ones to the dead-letter topic — waits for every acknowledgement
 * ({@link RecordBatchWriter}), then commits the input offsets once, on the consumer's own thread.
 *
 * <p>A partition's offset never passes a record whose write failed ({@link OffsetCommit}); the records written after
 * it are remembered ({@link WrittenAhead}) and skipped when read again, and a retry of the same batch skips every
 * record of it already written. A failure is then thrown, so the error
 * policy retries the batch and, when the retries are used up, the consumer reads again from the committed offset
 * ({@code breakOnFirstError}). An invalid record never holds back the valid ones: it is written in the same batch.
 * A record too large to be written as it is (its dead letter, or its pending record with large input headers) is
 * not a failure to retry: it is dead-lettered at once in a reduced form that always fits
 * ({@link TaskIntake#reducedDeadLetter}), and its partition moves on.
 *
 * <p>Records of partitions this consumer no longer owns (taken away by a rebalance while the batch waited) are
 * neither written nor committed: their new owner reads them from the committed offset.
 *
 * <p>That is at least once ({@code dreamina.delivery.guarantee=at-least-once}). Under exactly-once the poll's records
 * and its offsets are one Kafka transaction instead ({@link TransactionalIngest}): no commitSync, and no written-ahead
 * memory — what a committed transaction wrote behind a held record is named in the commit's metadata.
 */
public final class IngestPoll {

    private static final Logger DEAD_LETTER_LOG = LoggerFactory.getLogger("dreamina.bridge.dead-letter");
    /** The records of this batch already written, by position in the batch: a retry of the batch skips them. */
    static final String WRITTEN = "dreaminaIngestWritten";

    /** Told of each input record written: a task parked on the pending topic, or a dead letter. */
    @FunctionalInterface
    public interface Written {
        /** @param deadLetterCode the dead letter's error code, or null for a task parked on the pending topic */
        void record(String deadLetterCode);
    }

    private final TaskIntake intake;
    private final BatchWriterService writer;
    private final WrittenAhead writtenAhead;
    private final TransactionalIngest transactional;
    private final Written written;

    /** At least once: the writes acknowledged, then the offsets committed. */
    public IngestPoll(TaskIntake intake, BatchWriterService writer, WrittenAhead writtenAhead, Written written) {
        this(intake, writer, writtenAhead, null, written);
    }

    /**
     * @param transactional exactly once: each poll one transaction ({@link TransactionalIngest}); null: at least once
     *                      ({@code writer} and {@code writtenAhead})
     */
    public IngestPoll(TaskIntake intake, BatchWriterService writer, WrittenAhead writtenAhead,
                      TransactionalIngest transactional, Written written) {
        this.intake = intake;
        this.writer = writer;
        this.writtenAhead = writtenAhead;
        this.transactional = transactional;
        this.written = written;
    }

    public void ingest(Exchange batch) {
        List<?> exchanges = batch.getMessage().getBody(List.class);
        if (exchanges == null || exchanges.isEmpty()) {
            return;
        }
        if (transactional != null) {
            ingestInTransaction(exchanges);
            return;
        }
        BitSet writtenBefore = batch.getProperty(WRITTEN, BitSet.class);
        if (writtenBefore == null) {
            writtenBefore = new BitSet(exchanges.size());
            batch.setProperty(WRITTEN, writtenBefore);
        }
        DefaultKafkaManualCommit first = manualCommit(((Exchange) exchanges.get(0)).getMessage());
        Consumer<?, ?> consumer = first.getCamelExchangePayload().consumer;
        Set<TopicPartition> owned = consumer.assignment();

        List<Entry> entries = new ArrayList<>(exchanges.size());
        List<TaskIntake.Intake> intakes = new ArrayList<>(exchanges.size());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(exchanges.size());
        for (int item = 0; item < exchanges.size(); item++) {
            Message message = ((Exchange) exchanges.get(item)).getMessage();
            DefaultKafkaManualCommit commit = manualCommit(message);
            TopicPartition partition = commit.getPartition();
            long offset = commit.getRecordOffset();
            if (!owned.contains(partition)) {
                continue; // taken away by a rebalance: its new owner reads it from the committed offset
            }
            if (writtenBefore.get(item) || writtenAhead.contains(partition, offset)) {
                entries.add(new Entry(item, partition, offset, -1));
                continue;
            }
            TaskIntake.Intake read = intake.read(inputRecord(message, partition, offset));
            entries.add(new Entry(item, partition, offset, records.size()));
            intakes.add(read);
            records.add(read.record());
        }
        if (entries.isEmpty()) {
            return;
        }

        // A record too large to travel as it is (its dead letter, or its pending record with large input headers)
        // is dead-lettered in a reduced form that always fits: the partition moves on.
        BatchWrite write = writer.writer().writeAll(records, intake::reducedDeadLetter);

        OffsetCommit positions = new OffsetCommit();
        for (Entry entry : entries) {
            boolean written = entry.writeIndex() < 0 || write.written(entry.writeIndex());
            positions.add(entry.partition(), entry.offset(), written);
            if (entry.writeIndex() >= 0 && written) {
                // Remembered until a commit has passed it, also when the commit below fails (a rebalance): the
                // record is not written twice when this process reads it again, nor by a retry of this batch.
                writtenBefore.set(entry.item());
                writtenAhead.add(entry.partition(), entry.offset());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> commitOffsets = positions.offsets();
        consumer.commitSync(commitOffsets, Duration.ofMillis(first.getCommitTimeout()));
        writtenAhead.committed(commitOffsets);

        for (int i = 0; i < intakes.size(); i++) {
            if (write.written(i)) {
                report(write.replacement(i) != null ? write.replacement(i) : intakes.get(i).record());
            }
        }
        if (!write.allWritten()) {
            Exception failure = write.failure(write.firstFailed());
            throw new KafkaException(write.failedCount() + " of " + records.size() + " input records not written; "
                    + "offsets held at " + commitOffsets + "; first failure: " + failure, failure);
        }
    }

    /** Exactly once: the poll's records of owned partitions and its offsets in one transaction. */
    private void ingestInTransaction(List<?> exchanges) {
        DefaultKafkaManualCommit first = manualCommit(((Exchange) exchanges.get(0)).getMessage());
        Consumer<?, ?> consumer = first.getCamelExchangePayload().consumer;
        Set<TopicPartition> owned = consumer.assignment();
        List<TransactionalIngest.Input> inputs = new ArrayList<>(exchanges.size());
        for (Object exchange : exchanges) {
            Message message = ((Exchange) exchange).getMessage();
            DefaultKafkaManualCommit commit = manualCommit(message);
            if (owned.contains(commit.getPartition())) { // else its new owner reads it from the committed offset
                inputs.add(new TransactionalIngest.Input(commit.getPartition(), commit.getRecordOffset(),
                        inputRecord(message, commit.getPartition(), commit.getRecordOffset())));
            }
        }
        transactional.ingest(inputs, consumer, Duration.ofMillis(first.getCommitTimeout()), this::report);
    }

    /** A record written (its transaction committed, or acknowledged): counted, and a dead letter logged. */
    private void report(ProducerRecord<byte[], byte[]> record) {
        String deadLetterCode = header(record, BridgeHeaders.ERROR_CODE);
        written.record(deadLetterCode);
        if (deadLetterCode != null) {
            logDeadLetter(record);
        }
    }

    /**
     * One input record of the batch: its position in the batch, where it was read, and its index in the list of
     * records written now (-1: written before, skipped).
     */
    private record Entry(int item, TopicPartition partition, long offset, int writeIndex) {
    }

    /** The record's partition and offset as the consumer read them (a header no input record can forge). */
    private static DefaultKafkaManualCommit manualCommit(Message message) {
        DefaultKafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT,
                DefaultKafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("No manual commit on an input record: the ingest route needs "
                    + "allowManualCommit=true, autoCommitEnable=false and batching=true");
        }
        return commit;
    }

    /** The input record as the consumer read it; key and value as raw bytes, headers as on the record. */
    private static ConsumerRecord<byte[], byte[]> inputRecord(Message message, TopicPartition partition, long offset) {
        Object headers = message.getHeader(KafkaConstants.HEADERS);
        if (!(headers instanceof Headers recordHeaders)) {
            throw new IllegalStateException("No record headers (" + KafkaConstants.HEADERS + ") on the input record "
                    + partition + "@" + offset);
        }
        byte[] key = message.getHeader(KafkaConstants.KEY, byte[].class);
        byte[] value = message.getBody(byte[].class);
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, key, value,
                recordHeaders, Optional.empty());
    }

    private static void logDeadLetter(ProducerRecord<byte[], byte[]> record) {
        if (DEAD_LETTER_LOG.isWarnEnabled()) {
            DEAD_LETTER_LOG.warn("Dead-lettered {}/{}@{} (key {}, task {}): {} {}",
                    header(record, BridgeHeaders.ORIGIN_TOPIC), header(record, BridgeHeaders.ORIGIN_PARTITION),
                    header(record, BridgeHeaders.ORIGIN_OFFSET),
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    header(record, BridgeHeaders.TASK_ID), header(record, BridgeHeaders.ERROR_CODE),
                    header(record, BridgeHeaders.ERROR_MESSAGE));
        }
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
