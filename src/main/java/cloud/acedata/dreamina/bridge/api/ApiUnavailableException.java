package cloud.acedata.dreamina.bridge.api;

import java.time.Instant;

/**
 * The API cannot be called right now (rate limited, failing, unreachable, or refusing the credential). No task is
 * at fault: the caller keeps the tasks where they are and tries again at {@link #retryAt()}.
 */
public final class ApiUnavailableException extends RuntimeException {

    private final Instant retryAt;

    public ApiUnavailableException(String reason, Instant retryAt) {
        super(reason);
        this.retryAt = retryAt;
    }

    public Instant retryAt() {
        return retryAt;
    }
}
