package cloud.acedata.dreamina.bridge.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the Tasks API may be called now, shared by every poll of this instance.
 * <ul>
 *   <li>429, 5xx, I/O errors and non-JSON answers close the gate for a capped exponential backoff with jitter,
 *       or for the answer's {@code Retry-After} (capped), so no request goes out before the allowed time;</li>
 *   <li>401 and 403 mean the credential is wrong, not the task: the gate closes for the re-check interval, the
 *       log says why once, and the listener pauses consumption of new input until the API accepts the token.</li>
 * </ul>
 */
public final class ApiGate {

    /** Told when the API starts and stops refusing the credential. */
    public interface CredentialListener {
        default void credentialRejected(String reason) {
        }

        default void credentialAccepted() {
        }
    }

    /** What the gate lets through now: everything, nothing until a backoff has passed, nothing until a re-check. */
    public enum State { OPEN, BACKING_OFF, PAUSED }

    private static final Logger LOG = LoggerFactory.getLogger(ApiGate.class);

    private final Clock clock;
    private final Backoff backoff;
    private final Duration retryAfterCap;
    private final Duration credentialRecheck;
    private volatile CredentialListener listener = new CredentialListener() {
    };

    private Instant openAt = Instant.EPOCH;
    private int consecutiveFailures;
    private boolean credentialRejected;

    public ApiGate(Clock clock, Backoff backoff, Duration retryAfterCap, Duration credentialRecheck) {
        this.clock = clock;
        this.backoff = backoff;
        this.retryAfterCap = retryAfterCap;
        this.credentialRecheck = credentialRecheck;
    }

    public void setCredentialListener(CredentialListener listener) {
        this.listener = listener;
    }

    /** @return when the next request may go out (now or in the past when the gate is open) */
    public synchronized Instant openAt() {
        return openAt;
    }

    public synchronized boolean isOpen() {
        return !clock.instant().isBefore(openAt);
    }

    public synchronized State state() {
        if (credentialRejected) {
            return State.PAUSED;
        }
        return isOpen() ? State.OPEN : State.BACKING_OFF;
    }

    public synchronized boolean isCredentialRejected() {
        return credentialRejected;
    }

    /** A transient failure: closes the gate for the backoff (or the capped {@code Retry-After}). */
    public synchronized Instant transientFailure(String reason, Optional<Duration> retryAfter) {
        consecutiveFailures++;
        Duration wait = backoff.retryDelay(consecutiveFailures, retryAfter, retryAfterCap);
        Instant next = clock.instant().plus(wait);
        if (next.isAfter(openAt)) {
            openAt = next;
        }
        LOG.warn("Dreamina API unavailable ({}); failure {} in a row, next request in {} ms",
                reason, consecutiveFailures, wait.toMillis());
        return openAt;
    }

    /** A 401 or 403: pauses until the re-check interval has passed. */
    public Instant credentialRejected(String reason) {
        boolean first;
        Instant next;
        synchronized (this) {
            first = !credentialRejected;
            credentialRejected = true;
            Instant recheck = clock.instant().plus(credentialRecheck);
            if (recheck.isAfter(openAt)) {
                openAt = recheck;
            }
            next = openAt;
        }
        if (first) {
            LOG.error("Dreamina API refused the token ({}): the credential is wrong, not the tasks. Nothing is "
                    + "dead-lettered; consumption is paused and the token is re-checked every {} ms. Fix "
                    + "dreamina.api.token (env DREAMINA_API_TOKEN) or the account; the bridge resumes by itself.",
                    reason, credentialRecheck.toMillis());
            listener.credentialRejected(reason);
        } else {
            LOG.warn("Dreamina API still refuses the token ({}); next re-check in {} ms", reason,
                    credentialRecheck.toMillis());
        }
        return next;
    }

    /** The API answered normally. */
    public void succeeded() {
        boolean recovered;
        synchronized (this) {
            recovered = credentialRejected;
            credentialRejected = false;
            consecutiveFailures = 0;
        }
        if (recovered) {
            LOG.info("Dreamina API accepts the token again: resuming consumption");
            listener.credentialAccepted();
        }
    }
}
