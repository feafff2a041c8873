package cloud.acedata.dreamina.bridge.task;

import java.util.Set;

/**
 * Names of the record headers the bridge writes. The contract ones appear on the output and dead-letter
 * topics; the {@code dreamina.pending.*} ones only on the internal pending topic. Every value is written
 * as a UTF-8 string (an Integer header would reach Kafka as four binary bytes).
 */
public final class BridgeHeaders {

    public static final String TASK_ID = "dreamina.task.id";
    public static final String TRACE_ID = "dreamina.trace.id";
    public static final String VIDEO_URL = "dreamina.video.url";
    public static final String STATUS = "dreamina.status";

    public static final String ERROR_CODE = "dreamina.error.code";
    public static final String ERROR_MESSAGE = "dreamina.error.message";
    public static final String HTTP_STATUS = "dreamina.http.status";

    public static final String ORIGIN_TOPIC = "dreamina.origin.topic";
    public static final String ORIGIN_PARTITION = "dreamina.origin.partition";
    public static final String ORIGIN_OFFSET = "dreamina.origin.offset";
    /** On a {@code record_too_large} dead letter: the bytes of the record that could not be written. */
    public static final String ORIGINAL_SIZE = "dreamina.original.size";

    /** Epoch millis at which the task is next due for a poll. */
    public static final String PENDING_DUE = "dreamina.pending.due";
    /** Epoch millis after which a still unfinished task is dead-lettered as {@code poll_timeout}. */
    public static final String PENDING_DEADLINE = "dreamina.pending.deadline";
    /** How many times the task was polled and found unfinished. */
    public static final String PENDING_POLLS = "dreamina.pending.polls";
    /** Requests of this task alone that failed in a row (its own backoff), when it was written back to wait. */
    public static final String PENDING_FAILURES = "dreamina.pending.failures";
    /**
     * The pending record this one was written back from and the owner that wrote it ({@code partition:offset:writer}):
     * after a crash, a copy whose source the new owner handles again is stale and needs no request.
     */
    public static final String PENDING_SOURCE = "dreamina.pending.source";

    /** Headers that describe the bridge's own scheduling state: never copied to the output or dead-letter topics. */
    public static final Set<String> INTERNAL = Set.of(PENDING_DUE, PENDING_DEADLINE, PENDING_POLLS,
            PENDING_FAILURES, PENDING_SOURCE);

    /** Where a dead letter's input record was: written at ingest, carried on the pending topic. */
    public static final Set<String> ORIGIN = Set.of(ORIGIN_TOPIC, ORIGIN_PARTITION, ORIGIN_OFFSET);

    /** Every header the bridge writes on the pending topic, exactly spelt. */
    public static final Set<String> OWN = Set.of(TASK_ID, TRACE_ID, ORIGIN_TOPIC, ORIGIN_PARTITION, ORIGIN_OFFSET,
            PENDING_DUE, PENDING_DEADLINE, PENDING_POLLS, PENDING_FAILURES, PENDING_SOURCE);

    private static final String[] RESERVED_PREFIXES = {"camel", "kafka.", "dreamina.", "org.apache.camel."};
    /** Credentials never travel to a Kafka record, whoever sent them. */
    private static final String[] RESERVED_NAMES = {"authorization", "proxy-authorization"};

    /**
     * Whether a header name belongs to the bridge ({@code dreamina.}), Camel ({@code Camel…},
     * {@code org.apache.camel.}) or camel-kafka ({@code kafka.}), or carries a credential, in any letter case (as
     * {@link String#CASE_INSENSITIVE_ORDER} and Camel's header map compare it, so {@code DREAMİNA.} is caught too): such
     * a header coming from an input record must never steer the bridge or reach a producer. A null name is reserved.
     * The one rule for the input's header filter, the ingest step and the outcomes.
     */
    public static boolean isReserved(String name) {
        if (name == null) {
            return true;
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        for (String reserved : RESERVED_NAMES) {
            if (name.equalsIgnoreCase(reserved)) {
                return true;
            }
        }
        return false;
    }

    /** Error codes the bridge itself assigns (the API's own codes pass through unchanged). */
    public static final String CODE_INVALID_INPUT = "invalid_input";
    public static final String CODE_TASK_FAILED = "task_failed";
    public static final String CODE_POLL_TIMEOUT = "poll_timeout";
    /** A record larger than the producer or its topic accepts, dead-lettered in a reduced form. */
    public static final String CODE_RECORD_TOO_LARGE = "record_too_large";
    /** The bridge failed on the task itself (an unexpected exception) until its deadline. */
    public static final String CODE_BRIDGE_ERROR = "bridge_error";

    private BridgeHeaders() {
    }
}
