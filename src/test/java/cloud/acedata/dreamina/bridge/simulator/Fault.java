package cloud.acedata.dreamina.bridge.simulator;

import java.util.Objects;

/** A misbehaviour the simulator answers with instead of the API (see {@link SimulatorFaults#failNext}). */
public final class Fault {

    /** The kinds of misbehaviour. */
    public enum Kind {
        /** An HTTP error with the vendor's error body {@code {"error":{code,message},"trace_id"}}. */
        HTTP_ERROR,
        /** 429 {@code too_many_requests}, with an optional {@code Retry-After} header. */
        TOO_MANY_REQUESTS,
        /** 429 in the concurrency shape {@code {"success":false,"error":{"code":"rate_limited",…}}}. */
        RATE_LIMITED_CONCURRENCY,
        /** 200 with an HTML body, as a proxy or captive portal might answer. */
        NON_JSON_200,
        /** 200 with another service's JSON, {@code {"status":"ok"}}: a base URL that reaches a gateway's health. */
        NOT_THE_API_200,
        /** Wait {@link SimulatorFaults#hangFor(java.time.Duration)}, then answer 500 {@code api_error}. */
        HANG,
        /** Close the connection without any answer: the client sees an I/O error. */
        DROP_CONNECTION
    }

    private final Kind kind;
    private final int status;
    private final String code;
    private final String retryAfter;

    private Fault(Kind kind, int status, String code, String retryAfter) {
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** An HTTP error, e.g. {@code status(500, "api_error")}, {@code status(504, "timeout")}. */
    public static Fault status(int status, String code) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + status);
        }
        return new Fault(Kind.HTTP_ERROR, status, Objects.requireNonNull(code, "code"), null);
    }

    /**
     * 429 {@code too_many_requests}; {@code retryAfter} is the raw {@code Retry-After} header value (seconds or an
     * HTTP date), or {@code null} for none (the vendor does not document the header).
     */
    public static Fault tooManyRequests(String retryAfter) {
        return new Fault(Kind.TOO_MANY_REQUESTS, 429, "too_many_requests", retryAfter);
    }

    /**
     * 429 in the concurrency shape of docs/tasks-api.md, "Errors":
     * {@code {"success":false,"error":{"code":"rate_limited",…}}}.
     */
    public static Fault rateLimitedConcurrency() {
        return new Fault(Kind.RATE_LIMITED_CONCURRENCY, 429, "rate_limited", null);
    }

    public static Fault nonJson200() {
        return new Fault(Kind.NON_JSON_200, 200, null, null);
    }

    public static Fault notTheApi200() {
        return new Fault(Kind.NOT_THE_API_200, 200, null, null);
    }

    public static Fault hang() {
        return new Fault(Kind.HANG, 500, "api_error", null);
    }

    public static Fault dropConnection() {
        return new Fault(Kind.DROP_CONNECTION, 0, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status answered; 0 for {@link Kind#DROP_CONNECTION}. */
    public int status() {
        return status;
    }

    /** The error code answered, or {@code null} when the answer has none. */
    public String code() {
        return code;
    }

    /** The {@code Retry-After} header value, or {@code null}. */
    public String retryAfter() {
        return retryAfter;
    }

    @Override
    public String toString() {
        return "Fault[" + kind + (status > 0 ? " " + status : "") + (code != null ? " " + code : "")
                + (retryAfter != null ? " Retry-After: " + retryAfter : "") + "]";
    }
}
