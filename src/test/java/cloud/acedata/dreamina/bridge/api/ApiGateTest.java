package cloud.acedata.dreamina.bridge.api;

import cloud.acedata.dreamina.bridge.support.TestClock;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiGateTest {

    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration CAP = Duration.ofSeconds(60);
    private static final Duration RECHECK = Duration.ofSeconds(30);



    /** Collects what ApiGate logs. */
    private static final class CapturingAppender extends AbstractAppender {
        final List<LogEvent> events = new ArrayList<>();

        CapturingAppender() {
            super("ApiGateTestCapture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public synchronized void append(LogEvent event) {
            events.add(event.toImmutable());
        }

        synchronized long count(Level level) {
            return events.stream().filter(event -> event.getLevel() == level).count();
        }
    }

    private final TestClock clock = new TestClock(START);
    private final RecordingListener listener = new RecordingListener();
    private final CapturingAppender appender = new CapturingAppender();
    private Logger gateLogger;
    private ApiGate gate;

    @BeforeEach
    void setUp() {
        gate = new ApiGate(clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16), Duration.ZERO,
                new SplittableRandom(3)), CAP, RECHECK);
        gate.setCredentialListener(listener);
        appender.start();
        gateLogger = (Logger) LogManager.getLogger(ApiGate.class);
        gateLogger.addAppender(appender);
    }

    @AfterEach
    void tearDown() {
        gateLogger.removeAppender(appender);
        appender.stop();
    }

    @Test
    void newGateIsOpen() {
        assertTrue(gate.isOpen());
        assertFalse(gate.isCredentialRejected());
        assertFalse(gate.openAt().isAfter(START));
    }

    @Test
    void transientFailuresBackOffExponentiallyUpToTheMax() {
        long[] expectedSeconds = {1, 2, 4, 8, 16, 16, 16};
        for (long seconds : expectedSeconds) {
            Instant openAt = gate.transientFailure("HTTP 500 api_error", Optional.empty());
            assertEquals(clock.instant().plusSeconds(seconds), openAt);
            assertEquals(openAt, gate.openAt());
            assertFalse(gate.isOpen());
            clock.set(openAt.minusNanos(1));
            assertFalse(gate.isOpen());
            clock.set(openAt);
            assertTrue(gate.isOpen());
        }
        assertEquals(expectedSeconds.length, appender.count(Level.WARN));
    }

    @Test
    void successResetsTheBackoff() {
        gate.transientFailure("HTTP 500", Optional.empty());
        clock.set(gate.openAt());
        gate.transientFailure("HTTP 500", Optional.empty());
        clock.set(gate.openAt());
        gate.transientFailure("HTTP 500", Optional.empty());
        assertEquals(clock.instant().plusSeconds(4), gate.openAt());
        clock.set(gate.openAt());

        gate.succeeded();
        assertEquals(clock.instant().plusSeconds(1), gate.transientFailure("HTTP 503", Optional.empty()));
    }

    @Test
    void retryAfterIsHonoured() {
        assertEquals(START.plusSeconds(7), gate.transientFailure("HTTP 429", Optional.of(Duration.ofSeconds(7))));
        assertFalse(gate.isOpen());
    }

    @Test
    void retryAfterIsCapped() {
        assertEquals(START.plus(CAP), gate.transientFailure("HTTP 429", Optional.of(Duration.ofHours(2))));
        assertEquals(START.plus(CAP), gate.openAt());
    }

    @Test
    void retryAfterZeroStillWaitsTheMinimumBackoff() {
        assertEquals(START.plusSeconds(1), gate.transientFailure("HTTP 429", Optional.of(Duration.ZERO)));
        assertFalse(gate.isOpen());
        clock.set(START.plusSeconds(1));
        assertTrue(gate.isOpen());
    }

    @Test
    void aResumeThatThrowsIsTriedAgainOnALaterSuccessfulAnswerUntilItWorks() {
        FlakyListener flaky = new FlakyListener(1);
        gate.setCredentialListener(flaky);
        gate.credentialRejected("HTTP 401 invalid_token");
        clock.set(gate.openAt());

        gate.succeeded(); // the resume throws
        assertEquals(1, flaky.acceptCalls);
        assertFalse(gate.isCredentialRejected(), "the API accepts the token: requests go on");
        gate.succeeded(); // within the re-check interval: not yet tried again
        assertEquals(1, flaky.acceptCalls);

        clock.advance(RECHECK);
        gate.succeeded(); // tried again, works
        assertEquals(2, flaky.acceptCalls);
        assertEquals(1, flaky.resumed);
        clock.advance(RECHECK);
        gate.succeeded(); // resumed: never called again
        assertEquals(2, flaky.acceptCalls);
        assertEquals(1, appender.count(Level.INFO));
        assertEquals(1, appender.events.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getMessage().getFormattedMessage()
                        .startsWith("Could not resume consumption")).count());

        // A later refusal pauses again, exactly once.
        gate.credentialRejected("HTTP 401 invalid_token");
        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(2, flaky.rejectCalls);
    }

    @Test
    void aPauseThatThrowsIsTriedAgainAtTheNextRefusal() {
        FlakyListener flaky = new FlakyListener(0);
        flaky.rejectFailures = 1;
        gate.setCredentialListener(flaky);
        gate.credentialRejected("HTTP 401 invalid_token"); // the pause throws
        clock.set(gate.openAt());
        gate.credentialRejected("HTTP 401 invalid_token"); // tried again, works
        clock.set(gate.openAt());
        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(2, flaky.rejectCalls);
        assertEquals(1, flaky.paused);

        clock.set(gate.openAt());
        gate.succeeded();
        assertEquals(1, flaky.resumed);
    }

    /** A listener whose first calls throw, as a route that cannot be started (or stopped) at that moment. */
    private static final class FlakyListener implements ApiGate.CredentialListener {
        int acceptFailures;
        int rejectFailures;
        int acceptCalls;
        int rejectCalls;
        int resumed;
        int paused;

        FlakyListener(int acceptFailures) {
            this.acceptFailures = acceptFailures;
        }

        @Override
        public void credentialRejected(String reason) {
            rejectCalls++;
            if (rejectFailures-- > 0) {
                throw new IllegalStateException("Could not stop route ingest-tasks");
            }
            paused++;
        }

        @Override
        public void credentialAccepted() {
            acceptCalls++;
            if (acceptFailures-- > 0) {
                throw new IllegalStateException("Could not start route ingest-tasks");
            }
            resumed++;
        }
    }

    @Test
    void repeatedRejectionsLogAnErrorAndNotifyTheListenerOnce() {
        Instant first = gate.credentialRejected("HTTP 401 invalid_token: bad");
        assertEquals(START.plus(RECHECK), first);
        clock.set(first);
        gate.credentialRejected("HTTP 401 invalid_token: bad");
        clock.advance(RECHECK);
        gate.credentialRejected("HTTP 403 used_up: empty");

        assertTrue(gate.isCredentialRejected());
        assertEquals(1, listener.rejected.size());
        assertTrue(listener.rejected.get(0).contains("HTTP 401 invalid_token: bad"), listener.rejected.get(0));
        assertEquals(0, listener.accepted);
        assertEquals(1, appender.count(Level.ERROR));
        assertEquals(2, appender.count(Level.WARN));
        assertEquals(START.plus(RECHECK.multipliedBy(3)), gate.openAt());
        assertFalse(gate.isOpen());
    }

    @Test
    void successAfterRejectionAcceptsTheCredentialOnce() {
        gate.credentialRejected("HTTP 401 invalid_token");
        gate.credentialRejected("HTTP 401 invalid_token");
        clock.set(gate.openAt());

        gate.succeeded();
        gate.succeeded();

        assertEquals(1, listener.accepted);
        assertFalse(gate.isCredentialRejected());
        assertEquals(1, appender.count(Level.INFO));

        // A new rejection after recovery is news again.
        gate.credentialRejected("HTTP 403 disabled");
        assertEquals(2, listener.rejected.size());
        assertEquals(2, appender.count(Level.ERROR));
    }

    @Test
    void successWithoutRejectionTellsTheListenerNothing() {
        gate.succeeded();
        gate.transientFailure("HTTP 500", Optional.empty());
        clock.set(gate.openAt());
        gate.succeeded();

        assertEquals(0, listener.accepted);
        assertTrue(listener.rejected.isEmpty());
    }

    @Test
    void openAtNeverMovesBackwards() {
        Instant late = gate.transientFailure("HTTP 429", Optional.of(Duration.ofSeconds(50)));
        assertEquals(START.plusSeconds(50), late);

        assertEquals(late, gate.transientFailure("HTTP 429", Optional.of(Duration.ofSeconds(2))));
        assertEquals(late, gate.openAt());
        assertEquals(late, gate.transientFailure("HTTP 500", Optional.empty()));
        assertEquals(late, gate.openAt());

        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(late, gate.openAt());

        clock.advance(Duration.ofSeconds(40));
        gate.credentialRejected("HTTP 401 invalid_token");
        assertEquals(START.plusSeconds(70), gate.openAt());
        assertEquals(START.plusSeconds(70), gate.transientFailure("HTTP 429", Optional.of(Duration.ZERO)));
    }

    @Test
    void rejectionReportsWhenTheGateReallyOpens() {
        gate.transientFailure("HTTP 429", Optional.of(Duration.ofSeconds(50)));

        assertEquals(gate.openAt(), gate.credentialRejected("HTTP 401 invalid_token"));
    }

    /**
     * 24 requests in flight when a proxy starts refusing: answers to requests sent before it started arrive after
     * its first refusals. Counted by when they were sent, they do not reset the streak: one dead letter at most, and
     * the circuit opens at the tenth refusal.
     */
    @Test
    void successesSentBeforeARefusalStreakBeganDoNotResetIt() {
        gate.succeeded(START.minusMillis(500)); // the API answered just before
        List<Instant> staleSends = List.of(START.minusMillis(400), START.minusMillis(300), START.minusMillis(200));
        int atFault = 0;
        for (int i = 0; i < ApiGate.REFUSAL_STREAK_LIMIT; i++) {
            Instant sentAt = START.plusMillis(10L * i); // sent after the proxy started refusing
            if (i == 4) {
                for (Instant stale : staleSends) {
                    clock.set(sentAt);
                    gate.succeeded(stale); // answers that left before the proxy started, arriving late
                }
            }
            clock.set(sentAt.plusMillis(5));
            if (gate.isTaskAtFault(407, "proxy_auth", gate.lastSuccessAt(), sentAt)) {
                atFault++;
            }
        }

        assertEquals(1, atFault, "a refusing proxy costs at most one dead letter");
        assertEquals(ApiGate.State.PAUSED, gate.state(), "the tenth refusal in a row opens the circuit");
        assertEquals(1, listener.rejected.size());
    }

    @Test
    void aSuccessSentAfterARefusalStreakBeganEndsIt() {
        for (int i = 0; i < ApiGate.REFUSAL_STREAK_LIMIT - 1; i++) {
            gate.isTaskAtFault(407, "proxy_auth", null, START.plusMillis(i));
        }
        gate.succeeded(START.plusMillis(1)); // sent after the first refusal: the proxy let it through

        assertFalse(gate.isTaskAtFault(407, "proxy_auth", null, START.plusMillis(20)));
        assertEquals(ApiGate.State.OPEN, gate.state(), "a new streak of one");
    }

    @Test
    void aSuccessSentBeforeTheRefusalDoesNotEndThePause() {
        clock.set(START.plusSeconds(1));
        gate.credentialRejected("HTTP 401 invalid_token");

        gate.succeeded(START); // sent before the refusal arrived: proves nothing about it

        assertTrue(gate.isCredentialRejected());
        assertEquals(0, listener.accepted);
    }

    @Test
    void aFailureIsIsolatedOnlyWhenASuccessArrivedWhileItWasOnItsWay() {
        assertFalse(gate.isIsolatedFailure(START), "after a start nothing is proven: the caller probes");
        gate.succeeded(START.minusSeconds(1)); // arrives at START
        assertFalse(gate.isIsolatedFailure(START.plusSeconds(1)), "sent after the last success arrived");
        clock.set(START.plusSeconds(2));
        gate.succeeded(START.plusMillis(1500)); // arrives while the request sent at START + 1 s is on its way
        assertTrue(gate.isIsolatedFailure(START.plusSeconds(1)), "the API answered another while it was on its way");
    }
}
