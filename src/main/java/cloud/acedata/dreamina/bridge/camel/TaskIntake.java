package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.InvalidInputException;
import cloud.acedata.dreamina.bridge.task.TaskReference;
import cloud.acedata.dreamina.bridge.task.TaskReferenceParser;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

import java.time.Clock;
import java.time.Duration;

/**
 * The {@code ingest-tasks} route's step: reads an input record into the headers the pending topic needs — where it
 * came from, which task it names, when to poll it first and when to give up. The record's key and value are left
 * untouched (a dead letter must carry them byte for byte).
 */
public final class TaskIntake {

    private final TaskReferenceParser parser;
    private final Duration interval;
    private final Duration maxWait;
    private final Clock clock;

    public TaskIntake(TaskReferenceParser parser, Duration interval, Duration maxWait, Clock clock) {
        this.parser = parser;
        this.interval = interval;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /** @throws InvalidInputException when the value names no task; the origin headers are set first */
    public void accept(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setHeader(BridgeHeaders.ORIGIN_TOPIC, message.getHeader(KafkaConstants.TOPIC, String.class));
        message.setHeader(BridgeHeaders.ORIGIN_PARTITION, message.getHeader(KafkaConstants.PARTITION, String.class));
        message.setHeader(BridgeHeaders.ORIGIN_OFFSET, message.getHeader(KafkaConstants.OFFSET, String.class));

        TaskReference task = parser.parse(message.getBody(byte[].class));
        setOrRemove(message, BridgeHeaders.TASK_ID, task.taskId());
        setOrRemove(message, BridgeHeaders.TRACE_ID, task.traceId());
        long now = clock.millis();
        message.setHeader(BridgeHeaders.PENDING_DUE, String.valueOf(now + interval.toMillis()));
        message.setHeader(BridgeHeaders.PENDING_DEADLINE, String.valueOf(now + maxWait.toMillis()));
        message.setHeader(BridgeHeaders.PENDING_POLLS, "0");
        if (message.getHeader(KafkaConstants.KEY) == null) {
            message.setHeader(KafkaConstants.KEY, task.key());
        }
    }

    private static void setOrRemove(Message message, String name, String value) {
        if (value == null) {
            message.removeHeader(name);
        } else {
            message.setHeader(name, value);
        }
    }
}
