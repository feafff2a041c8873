package cloud.acedata.dreamina.bridge.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Since when the Tasks API has given no normal answer, from every answer as it comes (see {@link MeteredTasksApi}):
 * a 2xx, or a 4xx refusal of one request (400, 404…), is a normal answer; no answer, a 429, a 5xx or a 401/403 is
 * a failure. The gate's own state flips back to open between two attempts of a backoff; this does not.
 */
public final class ApiAvailability {

    private final Clock clock;
    private Instant failingSince;

    public ApiAvailability(Clock clock) {
        this.clock = clock;
    }

    /** @param status the HTTP status, or 0 when no answer came */
    public synchronized void answered(int status) {
        if (isNormal(status)) {
            failingSince = null;
        } else if (failingSince == null) {
            failingSince = clock.instant();
        }
    }

    /** How long the API has been failing; zero while it answers normally. */
    public synchronized Duration failingFor() {
        return failingSince == null ? Duration.ZERO : Duration.between(failingSince, clock.instant());
    }

    static boolean isNormal(int status) {
        return status >= 200 && status < 500 && status != 401 && status != 403 && status != 429
                && (status < 300 || status >= 400);
    }
}
