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
 *   <li>429, and 5xx / I/O errors / answers that are not the API's that look general (no success arrived while
 *       the failed request was on its way, and the probe fails too), close the gate for a capped exponential backoff
 *       with jitter, or for the answer's {@code Retry-After} (capped), so no request goes out before the allowed
 *       time;</li>
 *   <li>a 5xx or I/O failure while other requests demonstrably succeed (one answered after the failed one was
 *       sent) is <em>isolated</em>: the gate stays open and the caller isolates the tasks of that request
 *       ({@link #isIsolatedFailure}). A gate that has seen no success yet (a start) proves nothing: the caller
 *       probes;</li>
 *   <li>401 and 403 mean the credential is wrong, 404 {@code no_api} that the URL is, and the same 4xx refusal for
 *       many different tasks in a row with no success between (a proxy's 407, a gateway's 400 for all) that
 *       something in front of the API refuses everything, and 200s that are not the API's answer for as many
 *       requests in a row (another service behind the base URL, {@link #answerNotOfTheApi}): the gate
 *       <em>pauses</em> for the re-check interval, the log says why once, and the listener pauses consumption of new
 *       input until the API answers normally. None of this is a task's fault: nothing is dead-lettered for it.</li>
 * </ul>
 * Successes count by when their request was <em>sent</em>: an answer to a request sent before a refusal streak began
 * does not end it (with many requests in flight, answers that left before a proxy started refusing arrive after its
 * first refusals).
 */
public final class ApiGate {

    /** Told when the API starts and stops refusing every request. */
    public interface CredentialListener {
        default void credentialRejected(String reason) {
        }

        default void credentialAccepted() {
        }
    }

    /** What the gate lets through now: everything, nothing until a backoff has passed, nothing until a re-check. */
    public enum State { OPEN, BACKING_OFF, PAUSED }

    /**
     * Distinct tasks refused in a row with the same status and code, or answers not of the API's shape, no success
     * between: the circuit opens.
     */
    static final int REFUSAL_STREAK_LIMIT = 10;
    /** The streak key of 200s whose body is not of the contract's shape. */
    private static final String NOT_THE_API = "200 not_the_api";

    private static final Logger LOG = LoggerFactory.getLogger(ApiGate.class);

    private final Clock clock;
    private final Backoff backoff;
    private final Duration retryAfterCap;
    private final Duration credentialRecheck;
    private volatile CredentialListener listener = new CredentialListener() {
    };

    private Instant openAt = Instant.EPOCH;
    /** Failures that closed the gate since the last success: the backoff's attempt number. */
    private int consecutiveFailures;
    /** When the last success arrived (not when its request was sent). */
    private Instant lastSuccessAt = Instant.EPOCH;
    /** Why every request is refused (credential, URL, circuit), or null. */
    private String refusal;
    /** When the last refusal arrived. */
    private Instant refusedAt = Instant.EPOCH;
    /** The listener paused consumption and has not yet resumed it successfully. */
    private boolean listenerPaused;
    /** A resume that failed is tried again on a successful answer, at most once per re-check interval. */
    private Instant nextResumeAttempt = Instant.EPOCH;
    private String streakKey;
    private int streak;
    /** When the first request of the current streak was sent: only a success sent after it ends the streak. */
    private Instant streakSince;

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
        if (refusal != null) {
            return State.PAUSED;
        }
        return isOpen() ? State.OPEN : State.BACKING_OFF;
    }

    /** Whether the API refuses every request now (credential, URL or circuit): the pause of new input is on. */
    public synchronized boolean isCredentialRejected() {
        return refusal != null;
    }

    /** A failure that is no task's fault (429, or a general outage): closes the gate for the backoff. */
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

    /**
     * A request sent at {@code sentAt} failed with a 5xx, an I/O error or an unreadable answer. It is isolated only
     * when the API demonstrably answers others: a success arrived while this request was on its way (at or after
     * {@code sentAt}). Then the gate stays open and the caller isolates the request's tasks. A success before it
     * proves nothing — the API may have gone since (nor does a gate that has seen none, after a start): the caller
     * decides by a probe, and calls {@link #transientFailure} when that fails too.
     */
    public synchronized boolean isIsolatedFailure(Instant sentAt) {
        return !lastSuccessAt.isBefore(sentAt);
    }

    /** A 401 or 403 (or a 400 {@code no_token}): pauses until the re-check interval has passed. */
    public Instant credentialRejected(String reason) {
        return refused("the API refused the token (" + reason + "): the credential is wrong, not the tasks. Fix "
                + "dreamina.api.token (env DREAMINA_API_TOKEN) or the account");
    }

    /** A 404 {@code no_api}: the URL is wrong, not the tasks. Pauses like a refused token. */
    public Instant endpointRefused(String reason) {
        return refused("the API refused the endpoint (" + reason + "): dreamina.api.base-url (env "
                + "DREAMINA_API_BASE_URL) or something in front of the API is wrong, not the tasks");
    }

    /**
     * The API refused the request for one task (a 4xx that is not about the credential or the rate). It is that
     * task's fault only when the API demonstrably answered normally just before: {@code lastSuccess} — the last
     * success seen when the refusal arrived — within twice the re-check interval, and this is the first refusal since
     * that success. (A success after the refusal proves nothing about it: a proxy may have stopped refusing in
     * between; and a second refusal with no success between may be a proxy that has just started.) So a refusing
     * proxy or gateway costs at most one dead letter, and the same refusal for {@value #REFUSAL_STREAK_LIMIT} tasks in
     * a row with no success between opens the circuit ({@link #endpointRefused}). A task held so is tried again after
     * a backoff; a genuinely bad task meets a success before its refusal on a later round.
     *
     * @param lastSuccess when the API last answered normally before this refusal, or null if never
     * @param sentAt      when the refused request was sent
     * @return whether the task may be dead-lettered for it; if not, the caller holds it ({@link #holdRefused})
     */
    public boolean isTaskAtFault(int status, String code, Instant lastSuccess, Instant sentAt) {
        String key = status + " " + code;
        int count;
        boolean atFault;
        synchronized (this) {
            count = countInStreak(key, sentAt);
            atFault = count == 1 && lastSuccess != null
                    && lastSuccess.isAfter(clock.instant().minus(credentialRecheck.multipliedBy(2)));
        }
        // Once open, each further refusal keeps it open (and moves the re-check): it is not over until a success.
        if (!atFault && count >= REFUSAL_STREAK_LIMIT) {
            endpointRefused("HTTP " + key + " for " + count + " tasks in a row, no success between");
        }
        return atFault;
    }

    /**
     * A 200 whose body is not of the contract's shape (not JSON, or JSON of another shape such as a gateway's
     * {@code {"status":"ok"}}): the answer of something that is not the Tasks API, or of an API in trouble. Counted
     * like a refusal: {@value #REFUSAL_STREAK_LIMIT} in a row with no success sent after the first (or one while the
     * circuit is already open) open the circuit ({@link #endpointRefused}); otherwise the caller treats it as a
     * failed request (isolated, or an outage).
     *
     * @param sentAt when the request so answered was sent
     * @return whether the circuit is open: the caller leaves every task where it is until {@link #openAt()}
     */
    public boolean answerNotOfTheApi(String reason, Instant sentAt) {
        int count;
        boolean open;
        synchronized (this) {
            count = countInStreak(NOT_THE_API, sentAt);
            open = refusal != null;
        }
        if (open || count >= REFUSAL_STREAK_LIMIT) {
            endpointRefused("200 answers that are not the Tasks API's (" + reason + ") for " + count
                    + " requests in a row, no success between");
            return true;
        }
        return false;
    }

    /** One more request answered {@code key} in the streak (a new streak if the key differs); its length. */
    private int countInStreak(String key, Instant sentAt) {
        if (key.equals(streakKey)) {
            streak++;
            if (sentAt.isBefore(streakSince)) {
                streakSince = sentAt;
            }
        } else {
            streakKey = key;
            streak = 1;
            streakSince = sentAt;
        }
        return streak;
    }

    /** When the API last answered normally ({@link Instant#EPOCH} if never). */
    public synchronized Instant lastSuccessAt() {
        return lastSuccessAt;
    }

    /** Tasks whose refusal is not their fault ({@link #isTaskAtFault}) wait: for the re-check, or a backoff. */
    public Instant holdRefused(String reason) {
        synchronized (this) {
            if (refusal != null) {
                return openAt;
            }
        }
        return transientFailure(reason + " with no sign yet that the API answers other requests", Optional.empty());
    }

    private Instant refused(String why) {
        boolean first;
        boolean pause;
        Instant next;
        synchronized (this) {
            first = refusal == null;
            refusal = why;
            refusedAt = clock.instant();
            // A pause that failed (or a resume in progress) is tried again on the next refusal.
            pause = !listenerPaused;
            listenerPaused = true;
            Instant recheck = clock.instant().plus(credentialRecheck);
            if (recheck.isAfter(openAt)) {
                openAt = recheck;
            }
            next = openAt;
        }
        if (first) {
            LOG.error("Dreamina API: {}. Nothing is dead-lettered; consumption of new input is paused and the API is "
                    + "tried again every {} ms; the bridge resumes by itself.", why, credentialRecheck.toMillis());
        } else {
            LOG.warn("Dreamina API still refuses: {}; next re-check in {} ms", why, credentialRecheck.toMillis());
        }
        if (pause) {
            try {
                listener.credentialRejected(why);
            } catch (RuntimeException e) {
                synchronized (this) {
                    listenerPaused = false;
                }
                LOG.warn("Could not pause consumption ({}); tried again at the next refusal", e.toString());
            }
        }
        return next;
    }

    /** The API answered normally a request sent just now ({@link #succeeded(Instant)}). */
    public void succeeded() {
        succeeded(clock.instant());
    }

    /**
     * The API answered normally a request sent at {@code sentAt}. After a refusal, consumption is resumed; the refusal
     * counts as over for the listener only once it resumed without an exception — a failed resume is tried again on
     * a later successful answer (at most once per re-check interval), so it cannot leave consumption stopped for
     * good. The refusal streak ends only if the request was sent after the streak's first one: an answer that left
     * before a proxy started refusing says nothing about the proxy now.
     */
    public void succeeded(Instant sentAt) {
        boolean recovered;
        boolean resume;
        synchronized (this) {
            // A request sent before the last refusal arrived says nothing about the refusal: it stays.
            recovered = refusal != null && !sentAt.isBefore(refusedAt);
            if (recovered) {
                refusal = null;
            }
            consecutiveFailures = 0;
            if (streakKey != null && !sentAt.isBefore(streakSince)) {
                streak = 0;
                streakKey = null;
                streakSince = null;
            }
            Instant now = clock.instant();
            lastSuccessAt = now;
            resume = refusal == null && listenerPaused && !now.isBefore(nextResumeAttempt);
            if (resume) {
                // Concurrent answers do not resume twice at once; a failure below sets the real next attempt.
                nextResumeAttempt = now.plus(credentialRecheck);
            }
        }
        if (recovered) {
            LOG.info("Dreamina API answers normally again: resuming consumption");
        }
        if (resume) {
            try {
                listener.credentialAccepted();
            } catch (RuntimeException e) {
                LOG.warn("Could not resume consumption ({}); tried again on a successful answer in {} ms or more",
                        e.toString(), credentialRecheck.toMillis());
                return;
            }
            synchronized (this) {
                listenerPaused = false;
                nextResumeAttempt = Instant.EPOCH;
            }
        }
    }
}
