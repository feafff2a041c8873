package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.InvalidInputException;
import cloud.acedata.dreamina.bridge.task.ReducedDeadLetter;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import cloud.acedata.dreamina.bridge.task.TaskReference;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns one input record into the record the bridge writes for it: a valid task reference becomes a pending
 * record (due after one poll interval, given up after max-wait), anything else a dead letter {@code invalid_input}.
 * Key and value stay byte for byte (an input without a key is keyed by the task id's UTF-8 bytes); the input's
 * ordinary headers travel along, its {@linkplain BridgeHeaders#isReserved reserved} ones never do, and the
 * bridge adds its own: where the record came from, which task it names, when to poll it. A record that turns out
 * too large to be written as it is becomes a {@linkplain #reducedDeadLetter reduced dead letter}.
 */
public final class TaskIntake {

    private final TaskReferenceParser parser;
    private final Duration interval;
    private final Duration maxWait;
    private final Clock clock;
    private final String pendingTopic;
    private final String deadLetterTopic;

    public TaskIntake(TaskReferenceParser parser, Duration interval, Duration maxWait, Clock clock,
                      String pendingTopic, String deadLetterTopic) {
        this.parser = parser;
        this.interval = interval;
        this.maxWait = maxWait;
        this.clock = clock;
        this.pendingTopic = pendingTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * What to write for one input record.
     *
     * @param record the record to write, to the pending or the dead-letter topic
     * @param task   the task it names, or null for a dead letter
     * @param reason why it is a dead letter, or null for a pending record
     */
    public record Intake(ProducerRecord<byte[], byte[]> record, TaskReference task, String reason) {
        public boolean deadLetter() {
            return reason != null;
        }
    }

    public Intake read(ConsumerRecord<byte[], byte[]> input) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : input.headers()) {
            if (!BridgeHeaders.isReserved(header.key())) {
                headers.add(header);
            }
        }
        add(headers, BridgeHeaders.ORIGIN_TOPIC, input.topic());
        add(headers, BridgeHeaders.ORIGIN_PARTITION, String.valueOf(input.partition()));
        add(headers, BridgeHeaders.ORIGIN_OFFSET, String.valueOf(input.offset()));

        TaskReference task;
        try {
            task = parser.parse(input.value());
        } catch (InvalidInputException e) {
            add(headers, BridgeHeaders.ERROR_CODE, BridgeHeaders.CODE_INVALID_INPUT);
            add(headers, BridgeHeaders.ERROR_MESSAGE, e.getMessage());
            return new Intake(new ProducerRecord<>(deadLetterTopic, null, input.key(), input.value(), headers),
                    null, e.getMessage());
        }
        if (task.taskId() != null) {
            add(headers, BridgeHeaders.TASK_ID, task.taskId());
        }
        if (task.traceId() != null) {
            add(headers, BridgeHeaders.TRACE_ID, task.traceId());
        }
        long now = clock.millis();
        add(headers, BridgeHeaders.PENDING_DUE, String.valueOf(now + interval.toMillis()));
        add(headers, BridgeHeaders.PENDING_DEADLINE, String.valueOf(now + maxWait.toMillis()));
        add(headers, BridgeHeaders.PENDING_POLLS, "0");
        byte[] key = input.key() != null ? input.key() : task.key().getBytes(StandardCharsets.UTF_8);
        return new Intake(new ProducerRecord<>(pendingTopic, null, key, input.value(), headers), task, null);
    }

    /**
     * The dead letter that stands for a record Kafka refused as too large (its pending record, or its dead letter):
     * {@code record_too_large} in the {@linkplain ReducedDeadLetter reduced form} that always fits.
     */
    public ProducerRecord<byte[], byte[]> reducedDeadLetter(ProducerRecord<byte[], byte[]> unwritable,
                                                            Exception refusal) {
        long size = sizeOf(unwritable);
        String what = pendingTopic.equals(unwritable.topic()) ? "pending record" : "dead letter";
        TaskOutcome reduced = ReducedDeadLetter.of(unwritable.key(), size, name -> header(unwritable, name),
                ReducedDeadLetter.why(what, size, refusal));
        RecordHeaders headers = new RecordHeaders();
        reduced.headers().forEach((name, value) -> add(headers, name, value.toString()));
        return new ProducerRecord<>(deadLetterTopic, null, reduced.key(), reduced.value(), headers);
    }

    private static long sizeOf(ProducerRecord<byte[], byte[]> record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0
                : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
