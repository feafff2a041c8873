package cloud.acedata.dreamina.bridge.simulator;

/**
 * What the API says about a correctly presented token. The statuses and codes are the vendor's table in
 * docs/tasks-api.md, "Errors".
 */
public enum TokenState {
    VALID(200, null),
    INVALID(401, "invalid_token"),
    EXPIRED(401, "token_expired"),
    MISMATCHED(401, "token_mismatched"),
    DISABLED(403, "disabled"),
    USED_UP(403, "used_up"),
    FORBIDDEN(403, "forbidden");

    private final int status;
    private final String code;

    TokenState(int status, String code) {
        this.status = status;
        this.code = code;
    }

    /** The HTTP status answered while in this state; 200 for {@link #VALID}. */
    public int status() {
        return status;
    }

    /** The error code answered while in this state; {@code null} for {@link #VALID}. */
    public String code() {
        return code;
    }
}
