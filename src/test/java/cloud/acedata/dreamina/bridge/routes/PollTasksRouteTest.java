package cloud.acedata.dreamina.bridge.routes;

import cloud.acedata.dreamina.bridge.api.ApiUnavailableException;
import cloud.acedata.dreamina.bridge.camel.BatchClaim;
import cloud.acedata.dreamina.bridge.camel.CollectWriteReceipts;
import cloud.acedata.dreamina.bridge.camel.OutcomeMessage;
import cloud.acedata.dreamina.bridge.camel.PollTasksRoute;
import cloud.acedata.dreamina.bridge.camel.WriteReceipts;
import cloud.acedata.dreamina.bridge.schedule.BatchResult;
import cloud.acedata.dreamina.bridge.schedule.BatchTicket;
import cloud.acedata.dreamina.bridge.task.BridgeHeaders;
import cloud.acedata.dreamina.bridge.task.PendingTask;
import cloud.acedata.dreamina.bridge.task.TaskOutcome.Destination;
import cloud.acedata.dreamina.bridge.task.TaskOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code poll-tasks}: the scheduler hands it due tasks, the {@code taskPoller} says what becomes of each, and each
 * outcome goes to its topic — done to the output topic, failed to the dead-letter topic, not finished back to the
 * pending topic. When the API is unavailable the route fails back to the scheduler and writes nothing: the tasks
 * stay pending. The taskPoller here is a stand-in that answers with given outcomes (the API rules are
 * {@code TaskPollerTest}'s).
 */
class PollTasksRouteTest extends RouteTestSupport {

    /** The taskPoller's contract as the route calls it: {@code poll(tasks)} returns one outcome per task. */
    public static final class GivenOutcomes {
        private volatile List<TaskOutcome> outcomes = List.of();
        private volatile RuntimeException failure;

        public List<TaskOutcome> poll(List<?> tasks) {
            if (failure != null) {
                throw failure;
            }
            return outcomes;
        }
    }

    /** A deadline far ahead of now. */
    private static final long NOT_YET = Instant.now().plusSeconds(3600).toEpochMilli();

    private final GivenOutcomes poller = new GivenOutcomes();

    @Override
    protected List<String> routeFiles() {
        return List.of("poll-tasks.camel.yaml", "publish-video.camel.yaml", "dead-letter.camel.yaml",
                "schedule-task.camel.yaml");
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        super.bindToRegistry(registry);
        registry.bind("taskPoller", poller);
        registry.bind("outcomeMessage", new OutcomeMessage());
        registry.bind("batchClaim", new BatchClaim());
        registry.bind("writeReceipts", new CollectWriteReceipts());
    }

    @Test
    void eachOutcomeGoesToTheTopicOfItsDestination() throws Exception {
        startContext();
        poller.outcomes = List.of(
                outcome(Destination.OUTPUT, "task-done", "{\"id\":\"task-done\"}",
                        Map.of(BridgeHeaders.VIDEO_URL, "https://cdn.example/v.mp4", BridgeHeaders.STATUS, "done")),
                outcome(Destination.DEAD_LETTER, "input-key", "task-failed",
                        Map.of(BridgeHeaders.ERROR_CODE, "task_failed")),
                outcome(Destination.PENDING, "input-key-2", "task-running",
                        Map.of(BridgeHeaders.PENDING_DUE, "1700000000000")));
        MockEndpoint output = expectOne(OUTPUT, "task-done");
        output.expectedHeaderReceived(BridgeHeaders.VIDEO_URL, "https://cdn.example/v.mp4");
        MockEndpoint deadLetter = expectOne(DEAD_LETTER, "input-key");
        deadLetter.expectedHeaderReceived(BridgeHeaders.ERROR_CODE, "task_failed");
        MockEndpoint pending = expectOne(PENDING, "input-key-2");
        pending.expectedHeaderReceived(BridgeHeaders.PENDING_DUE, "1700000000000");

        WriteReceipts receipts = new WriteReceipts();
        Exchange done = template.send("direct:poll-tasks", exchange -> {
            exchange.getMessage().setBody(List.of());
            exchange.setProperty(WriteReceipts.PROPERTY, receipts);
        });

        assertNull(done.getException());
        MockEndpoint.assertIsSatisfied(output, deadLetter, pending);
        assertKey(output, "task-done");
        assertKey(deadLetter, "input-key");
        assertKey(pending, "input-key-2");
        for (int i = 0; i < 3; i++) {
            assertTrue(receipts.receipt(i).written(), "outcome " + i + " acknowledged, noted for the scheduler");
        }
        assertArrayEquals(bytes("{\"id\":\"task-done\"}"),
                output.getReceivedExchanges().get(0).getMessage().getBody(byte[].class), "the detail as answered");
        assertArrayEquals(bytes("task-failed"),
                deadLetter.getReceivedExchanges().get(0).getMessage().getBody(byte[].class), "the input's bytes");
    }

    @Test
    void anUnavailableApiFailsBackToTheSchedulerAndWritesNothing() throws Exception {
        startContext();
        poller.failure = new ApiUnavailableException("HTTP 503", Instant.now().plusSeconds(1));
        for (String topic : List.of(OUTPUT, DEAD_LETTER, PENDING)) {
            topic(topic).expectedMessageCount(0);
        }

        Exchange done = template.send("direct:poll-tasks", exchange -> exchange.getMessage().setBody(List.of()));

        assertInstanceOf(ApiUnavailableException.class, done.getException(), "the scheduler must see the failure");
        MockEndpoint.assertIsSatisfied(topic(OUTPUT), topic(DEAD_LETTER), topic(PENDING));
    }

    @Test
    void aBatchWhoseHandlingThrowsIsIsolatedLikeAFailingRequestNotRewound() throws Exception {
        startContext();
        poller.failure = new IllegalStateException("unexpected");
        topic(DEAD_LETTER).expectedMessageCount(0);

        BatchResult result = pollTasks(Instant.now()).handle(List.of(pending("a", NOT_YET), pending("b", NOT_YET)),
                new BatchTicket());

        assertEquals(BatchResult.Kind.REQUEST_FAILED, result.kind(), "isolated (halved), not read again for ever");
        assertTrue(result.written().isEmpty());
        assertTrue(result.reason().contains("IllegalStateException: unexpected"), result.reason());
        MockEndpoint.assertIsSatisfied(topic(DEAD_LETTER));
    }

    @Test
    void aLoneTaskWhoseHandlingThrowsWaitsItsOwnBackoffUntilItsDeadline() throws Exception {
        startContext();
        poller.failure = new IllegalStateException("unexpected");
        topic(DEAD_LETTER).expectedMessageCount(0);

        BatchResult result = pollTasks(Instant.now()).handle(List.of(pending("a", NOT_YET)), new BatchTicket());

        assertEquals(BatchResult.Kind.REQUEST_FAILED, result.kind(), "alone: its own backoff");
        MockEndpoint.assertIsSatisfied(topic(DEAD_LETTER));
    }

    @Test
    void aLoneTaskWhoseHandlingThrowsPastItsDeadlineIsDeadLetteredNamingTheError() throws Exception {
        startContext();
        poller.failure = new NullPointerException("no id");
        MockEndpoint deadLetter = expectOne(DEAD_LETTER, "a");
        deadLetter.expectedHeaderReceived(BridgeHeaders.ERROR_CODE, "bridge_error");

        BatchResult result = pollTasks(Instant.ofEpochMilli(NOT_YET + 1)).handle(List.of(pending("a", NOT_YET)),
                new BatchTicket());

        assertEquals(BatchResult.Kind.DONE, result.kind());
        assertTrue(result.isWritten(0), "its dead letter acknowledged");
        MockEndpoint.assertIsSatisfied(deadLetter);
        String message = deadLetter.getReceivedExchanges().get(0).getMessage()
                .getHeader(BridgeHeaders.ERROR_MESSAGE, String.class);
        assertTrue(message.contains("NullPointerException: no id"), message);
        assertArrayEquals(bytes("value-a"), deadLetter.getReceivedExchanges().get(0).getMessage()
                .getBody(byte[].class), "the input's bytes");
    }

    @Test
    void anOutcomeTheBridgeFailsOnIsIsolatedAndTheOthersAreWritten() throws Exception {
        startContext();
        // The second outcome has no destination: the route's split fails on it, not Kafka.
        poller.outcomes = List.of(outcome(Destination.OUTPUT, "task-a", "{\"id\":\"task-a\"}",
                Map.of(BridgeHeaders.STATUS, "done")), outcome(null, "task-b", "{}", Map.of()));
        MockEndpoint output = expectOne(OUTPUT, "task-a");

        BatchResult result = pollTasks(Instant.now()).handle(List.of(pending("a", NOT_YET), pending("b", NOT_YET)),
                new BatchTicket());

        MockEndpoint.assertIsSatisfied(output);
        assertTrue(result.isWritten(0), "the good outcome written");
        assertEquals(BatchResult.Kind.REQUEST_FAILED, result.kind(),
                "the other isolated, not read again for ever: " + result.reason());
        assertFalse(result.isWritten(1));
    }

    private PollTasksRoute pollTasks(Instant now) {
        return new PollTasksRoute(template, "direct:poll-tasks", "direct:dead-letter", "direct:schedule-task",
                Clock.fixed(now, ZoneOffset.UTC));
    }

    /** A pending task keyed {@code key}, given up at {@code deadline} (epoch millis). */
    private static PendingTask pending(String key, long deadline) {
        return new PendingTask(bytes(key), bytes("value-" + key), Map.of(BridgeHeaders.TASK_ID, bytes("task-" + key),
                BridgeHeaders.PENDING_DEADLINE, bytes(String.valueOf(deadline))));
    }

    private MockEndpoint expectOne(String topic, String key) {
        MockEndpoint endpoint = topic(topic);
        endpoint.expectedMessageCount(1);
        return endpoint;
    }

    private static void assertKey(MockEndpoint endpoint, String key) {
        assertArrayEquals(bytes(key), endpoint.getReceivedExchanges().get(0).getMessage()
                .getHeader(KafkaConstants.KEY, byte[].class), "the key, byte for byte");
    }

    private static TaskOutcome outcome(Destination destination, String key, String value, Map<String, Object> headers) {
        return new TaskOutcome(destination, bytes(key), bytes(value), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
