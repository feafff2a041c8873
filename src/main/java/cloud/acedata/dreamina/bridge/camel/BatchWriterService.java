package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.kafka.RecordBatchWriter;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Owns the Kafka producer behind the bridge's {@link RecordBatchWriter}: made when the Camel context starts (once
 * the kafka component is configured) and closed when it stops, after the routes (their batches in hand written).
 * Bound as {@code recordWriter}.
 */
public final class BatchWriterService extends ServiceSupport {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private volatile Producer<byte[], byte[]> producer;
    private volatile RecordBatchWriter writer;

    public BatchWriterService(Supplier<Producer<byte[], byte[]>> producers) {
        this.producers = producers;
    }

    /** The writer; only while the context runs. */
    public RecordBatchWriter writer() {
        RecordBatchWriter current = writer;
        if (current == null) {
            throw new IllegalStateException("The record writer is not started");
        }
        return current;
    }

    @Override
    protected void doStart() {
        producer = producers.get();
        writer = new RecordBatchWriter(producer);
    }

    @Override
    protected void doStop() {
        writer = null;
        Producer<byte[], byte[]> current = producer;
        producer = null;
        if (current != null) {
            current.close(CLOSE_TIMEOUT);
        }
    }
}
