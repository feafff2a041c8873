package cloud.acedata.dreamina.bridge.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest route's pause and resume, on a route whose consumer cannot start at the first attempt. */
class IngestPauseTest {

    private static final String ROUTE = "ingest-tasks";

    private final AtomicInteger startAttempts = new AtomicInteger();
    private final AtomicInteger failingStarts = new AtomicInteger();
    private DefaultCamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.addComponent("flaky", new FlakyComponent());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("flaky:input").routeId(ROUTE).log("never called");
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private ServiceStatus status() {
        return context.getRouteController().getRouteStatus(ROUTE);
    }

    @Test
    void aFailedRestartIsRetriedUntilTheRouteRuns() throws Exception {
        IngestPause pause = new IngestPause(context, ROUTE, Duration.ofMillis(100));
        pause.credentialRejected("HTTP 401 invalid_token");
        assertEquals(ServiceStatus.Stopped, status());

        failingStarts.set(2);
        int before = startAttempts.get();
        pause.credentialAccepted(); // fails, and does not throw: retried on its own
        assertEquals(ServiceStatus.Stopped, status());

        within(Duration.ofSeconds(10))
                .untilAsserted(() -> assertTrue(status() == ServiceStatus.Started,
                        () -> "the route runs again; status " + status() + ", attempts " + startAttempts.get()));
        assertEquals(3, startAttempts.get() - before, "two failed starts, then one that worked");
    }

    @Test
    void aNewRefusalCancelsThePendingRetry() throws Exception {
        IngestPause pause = new IngestPause(context, ROUTE, Duration.ofMillis(100));
        pause.credentialRejected("HTTP 401 invalid_token");
        failingStarts.set(1);
        pause.credentialAccepted(); // fails: a retry is scheduled
        pause.credentialRejected("HTTP 401 invalid_token"); // the token is refused again before the retry

        int attempts = startAttempts.get();
        // Five retry intervals pass (or a start that must not come happens first).
        long fiveIntervals = System.nanoTime() + Duration.ofMillis(500).toNanos();
        within(Duration.ofSeconds(5))
                .alias("five retry intervals")
                .until(() -> startAttempts.get() > attempts || System.nanoTime() >= fiveIntervals);
        assertEquals(attempts, startAttempts.get(), "no start after the new refusal");
        assertEquals(ServiceStatus.Stopped, status());
    }

    /** An endpoint whose consumer fails to start as often as {@code failingStarts} says. */
    private final class FlakyComponent extends DefaultComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            return new DefaultEndpoint(uri, this) {
                @Override
                public Producer createProducer() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    return new DefaultConsumer(this, processor) {
                        @Override
                        protected void doStart() throws Exception {
                            startAttempts.incrementAndGet();
                            if (failingStarts.getAndDecrement() > 0) {
                                throw new IllegalStateException("the broker is not reachable");
                            }
                            super.doStart();
                        }
                    };
                }
            };
        }
    }
}
