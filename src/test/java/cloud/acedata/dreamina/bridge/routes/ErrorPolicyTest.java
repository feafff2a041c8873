package cloud.acedata.dreamina.bridge.routes;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error policy ({@code routes/error-policy.camel.yaml}) on a small route shaped like the poll path's writes: a
 * record goes to the pending topic ({@code schedule-task}) or, when blank, to the dead-letter topic, then the caller
 * commits. A Kafka write that keeps failing is retried {@code dreamina.kafka.write-retries} times and then fails the
 * exchange, so nothing is committed and the record is read again — a failed dead-letter write included; a write no
 * retry can help (a record too large for its topic) fails at once. (Invalid input is the ingest step's:
 * {@code TaskIntakeTest}, {@code IngestIT}.)
 */
class ErrorPolicyTest extends RouteTestSupport {

    private static final String INPUT_ROUTE = "test-input";

    /** Commits the input route asked for, in the way the kafka consumer's manual commit is asked. */
    private final List<String> commits = new ArrayList<>();

    @Override
    protected List<String> routeFiles() {
        return List.of("schedule-task.camel.yaml", "dead-letter.camel.yaml");
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        List<RoutesBuilder> builders = new ArrayList<>(List.of(super.createRouteBuilders()));
        builders.add(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:input").routeId(INPUT_ROUTE).routeConfigurationId("bridge-error-policy")
                        .choice()
                            .when(exchange -> exchange.getMessage().getBody(String.class).isBlank())
                                .to("direct:dead-letter")
                            .otherwise()
                                .to("direct:schedule-task")
                        .end()
                        .process(exchange -> exchange.getMessage()
                                .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());
            }
        });
        return builders.toArray(RoutesBuilder[]::new);
    }

    @Test
    void aValidRecordIsWrittenToThePendingTopicThenCommitted() throws Exception {
        startContext();
        topic(PENDING).expectedBodiesReceived("task-1");
        topic(DEAD_LETTER).expectedMessageCount(0);

        Exchange done = send("task-1");

        assertNull(done.getException());
        topic(PENDING).assertIsSatisfied();
        assertEquals(List.of("task-1"), commits);
        topic(DEAD_LETTER).assertIsSatisfied();
    }

    @Test
    void aRecordTooLargeForItsTopicIsNotRetried() throws Exception {
        AtomicInteger attempts = failKafkaWrites("schedule-task",
                new RecordTooLargeException("larger than max.message.bytes"));
        startContext();

        Exchange done = send("task-1");

        assertInstanceOf(RecordTooLargeException.class, done.getException());
        assertEquals(1, attempts.get(), "no retry can make it fit: the poll path dead-letters it instead");
        assertEquals(List.of(), commits);
    }

    @Test
    void aFailedPendingWriteIsRetriedThenHoldsTheOffset() throws Exception {
        AtomicInteger attempts = failKafkaWrites("schedule-task");
        startContext();
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute(INPUT_ROUTE).whenFailed(1).create();

        Exchange done = send("task-1");

        assertTrue(failed.matches(10, TimeUnit.SECONDS), "the input exchange did not fail");
        assertInstanceOf(KafkaException.class, done.getException());
        assertEquals(1 + 2, attempts.get(), "one write and dreamina.kafka.write-retries (2 here) retries");
        assertEquals(List.of(), commits, "the offset stays before the record: it is read again");
    }

    @Test
    void aFailedDeadLetterWriteIsAnErrorAndHoldsTheOffset() throws Exception {
        AtomicInteger attempts = failKafkaWrites("dead-letter");
        startContext();
        topic(PENDING).expectedMessageCount(0);

        Exchange done = send("");

        assertInstanceOf(KafkaException.class, done.getException(), "a failed dead-letter write was swallowed");
        assertEquals(1 + 2, attempts.get());
        assertEquals(List.of(), commits);
        topic(PENDING).assertIsSatisfied();
    }

    /** Every write of the route to Kafka fails, as when the broker refuses it; returns the count of attempts. */
    private AtomicInteger failKafkaWrites(String routeId) throws Exception {
        return failKafkaWrites(routeId, new KafkaException("the broker refused the write"));
    }

    private AtomicInteger failKafkaWrites(String routeId, KafkaException failure) throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AdviceWith.adviceWith(context, routeId, route -> route.weaveByToUri("kafka:*").before().process(exchange -> {
            attempts.incrementAndGet();
            throw failure;
        }));
        return attempts;
    }

    private Exchange send(String value) {
        return template.send("direct:input", exchange -> {
            exchange.getMessage().setBody(value.getBytes(StandardCharsets.UTF_8));
            KafkaManualCommit commit = () -> commits.add(value);
            exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, commit);
        });
    }
}
