package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a record too large to be written <em>before</em> it is sent. Inside a Kafka transaction a refused record is
 * not just one failed send: it fails the whole transaction, which must be aborted; sent again, the same record would
 * abort every retry for ever. So a transactional writer asks here first and dead-letters the record in its reduced
 * form instead. The limits: the producer's {@code max.request.size}, and a topic's own limit
 * ({@code max.message.bytes}) as learned from the first refusal the broker sent for it — one abort, then never again.
 *
 * <p>The size is an upper bound of the record's size in a batch of its own (Kafka's record format v2: the batch
 * header, then each length as its longest varint), as the producer's own check counts it.
 */
public final class RecordSizeLimit {

    /** A record batch's header, format v2. */
    private static final int BATCH_OVERHEAD = 61;
    /** A record's fixed part at its largest: length, attributes, timestamp and offset deltas, header count. */
    private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5;
    private static final int VARINT = 5;

    private final int maxRequestSize;
    private final Map<String, Integer> topicLimits = new ConcurrentHashMap<>();

    /** @param maxRequestSize the producer's {@code max.request.size} */
    public RecordSizeLimit(int maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    /** The upper bound of a record's size as written. */
    public static int sizeOf(byte[] key, byte[] value, Header[] headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + VARINT + length(key) + VARINT + length(value);
        for (Header header : headers) {
            size += VARINT + Utils.utf8Length(header.key()) + VARINT + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The upper bound of {@code record}'s size as written. */
    public static int sizeOf(ProducerRecord<byte[], byte[]> record) {
        return sizeOf(record.key(), record.value(), record.headers().toArray());
    }

    /** Whether a record of {@code size} bytes may be sent to {@code topic}. */
    public boolean fits(String topic, int size) {
        return size <= maxRequestSize && size <= topicLimits.getOrDefault(topic, Integer.MAX_VALUE);
    }

    /** The broker refused a record of {@code size} bytes for {@code topic}: larger ones are refused too. */
    public void refused(String topic, int size) {
        topicLimits.merge(topic, Math.max(0, size - 1), Math::min);
    }

    /** Why a record does not fit, for its dead letter. */
    public String why(String topic, int size) {
        int topicLimit = topicLimits.getOrDefault(topic, Integer.MAX_VALUE);
        return "The record is " + size + " bytes; " + (size > maxRequestSize
                ? "the producer's max.request.size is " + maxRequestSize
                : "topic " + topic + " refused a record of " + (topicLimit + 1) + " bytes (max.message.bytes)");
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
