package cloud.acedata.dreamina.bridge.api;

/**
 * One request failed (5xx, no answer in time, an unreadable answer) while the API answers others: the failure may
 * be caused by a task of that request. The caller isolates the request's tasks (smaller batches, then each task on
 * its own backoff) instead of holding back every task; {@link ApiGate#requestFailed} tells this case from an outage.
 */
public final class RequestFailedException extends RuntimeException {

    private final String code;
    private final Integer httpStatus;

    /**
     * @param code       the API's error code ({@code api_error}, {@code timeout}, …), or the bridge's own
     * @param httpStatus the HTTP status, or null when no answer arrived
     */
    public RequestFailedException(String code, String message, Integer httpStatus) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public Integer httpStatus() {
        return httpStatus;
    }
}
