package cloud.acedata.dreamina.bridge.kafka;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Writes a list of records at once and says which of them Kafka acknowledged: every record is handed to the
 * producer first (so they travel in batches, not one round trip each), then every acknowledgement is awaited —
 * all of them, also after a failure, so that the caller knows the fate of each record and none is still in flight
 * when it commits or retries.
 *
 * <p>Why not camel-kafka's producer with a list body: in synchronous mode it awaits the acknowledgements in order
 * and throws at the first failure, leaving the records after it unawaited and not saying which of them were written,
 * so a caller could neither commit the records before the failure nor avoid writing the ones after it twice.
 *
 * <p>The wait for each acknowledgement is bounded by the producer's own {@code delivery.timeout.ms} (and
 * {@code max.block.ms} for a missing topic's metadata). Thread-safe when the producer is (Kafka's is).
 */
public final class RecordBatchWriter {

    /** Hands one record to Kafka: a producer's send, or a transaction's. */
    @FunctionalInterface
    public interface Sender {
        Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record);
    }

    private final Sender producer;

    public RecordBatchWriter(Producer<byte[], byte[]> producer) {
        this(producer::send);
    }

    public RecordBatchWriter(Sender sender) {
        this.producer = sender;
    }

    /**
     * Sends {@code records} and waits until each one is acknowledged or has failed.
     *
     * @return the outcome of each record, by index
     */
    public BatchWrite writeAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        List<Exception> failures = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            try {
                sent.add(producer.send(record));
                failures.add(null);
            } catch (RuntimeException e) {
                // A send refused before it was queued (e.g. serialization, a closed producer): this record's failure.
                sent.add(null);
                failures.add(e);
            }
        }
        boolean interrupted = false;
        for (int i = 0; i < sent.size(); i++) {
            Future<RecordMetadata> future = sent.get(i);
            if (future == null) {
                continue;
            }
            while (true) {
                try {
                    future.get();
                    break;
                } catch (ExecutionException e) {
                    failures.set(i, e.getCause() instanceof Exception cause ? cause : e);
                    break;
                } catch (InterruptedException e) {
                    // Keep waiting: returning now would leave records in flight behind a commit or a retry.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new BatchWrite(failures);
    }

    /**
     * As {@link #writeAll(List)}, and then each record Kafka refused as too large — over the producer's
     * {@code max.request.size} or the topic's {@code max.message.bytes} ({@link RecordTooLargeException}): no retry
     * can write it — is written instead as {@code reduce} makes it of the record and its failure.
     *
     * @return the outcome of each record, by index; a replaced record's is its replacement's
     */
    public BatchWrite writeAll(List<ProducerRecord<byte[], byte[]>> records, BiFunction<ProducerRecord<byte[], byte[]>,
            Exception, ProducerRecord<byte[], byte[]>> reduce) {
        BatchWrite first = writeAll(records);
        List<Integer> tooLarge = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> reduced = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (first.failure(i) instanceof RecordTooLargeException) {
                tooLarge.add(i);
                reduced.add(reduce.apply(records.get(i), first.failure(i)));
            }
        }
        if (tooLarge.isEmpty()) {
            return first;
        }
        BatchWrite second = writeAll(reduced);
        List<Exception> failures = new ArrayList<>(records.size());
        List<ProducerRecord<byte[], byte[]>> replacements = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            failures.add(first.failure(i));
            replacements.add(null);
        }
        for (int j = 0; j < tooLarge.size(); j++) {
            failures.set(tooLarge.get(j), second.failure(j));
            replacements.set(tooLarge.get(j), reduced.get(j));
        }
        return new BatchWrite(failures, replacements);
    }
}
