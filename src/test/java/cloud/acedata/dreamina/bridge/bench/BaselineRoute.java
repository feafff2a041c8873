package cloud.acedata.dreamina.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The route a user would write in an afternoon to do the bridge's job: for each task id on the input topic, inside
 * the Kafka consumer, {@code loop} while the task is not finished: {@code delay} one cadence, then one
 * {@code retrieve} of that task; then the answer goes to the output topic (done) or the dead-letter topic.
 *
 * <p>Written competently: the consumer takes one record per poll ({@code maxPollRecords=1}, so a long loop does not
 * exceed {@code max.poll.interval.ms}), {@code consumersCount} consumers on as many input partitions run loops side
 * by side, the loop gives up after the bridge's max-wait, the HTTP status is not an exception. What it does not have
 * is what the bridge is for: batching, a rate limit, backoff, state that survives a restart.
 */
final class BaselineRoute extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String inputTopic;
    private final String outputTopic;
    private final String deadLetterTopic;
    private final String group;
    private final int consumers;
    private final String apiBaseUrl;
    private final String token;
    private final Duration cadence;
    private final int maxPolls;
    /** The benchmark's plumbing, not the user's route: ends every loop at the end of a run, so that it stops cleanly. */
    private final AtomicBoolean stopping = new AtomicBoolean();

    BaselineRoute(String inputTopic, String outputTopic, String deadLetterTopic, String group, int consumers,
                  String apiBaseUrl, String token, Duration cadence, Duration maxWait) {
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.group = group;
        this.consumers = consumers;
        this.apiBaseUrl = apiBaseUrl;
        this.token = token;
        this.cadence = cadence;
        this.maxPolls = (int) Math.max(1, maxWait.toMillis() / Math.max(1, cadence.toMillis()));
    }

    @Override
    public void configure() {
        from("kafka:" + inputTopic + "?groupId=" + group + "&consumersCount=" + consumers
                + "&maxPollRecords=1&autoOffsetReset=earliest")
                .routeId("baseline-follow-task")
                .setProperty("taskId", body())
                .setProperty("status", constant(""))
                .setProperty("polls", constant(0))
                .loopDoWhile(PredicateBuilder.and(exchange -> !stopping.get(),
                        simple("${exchangeProperty.status} != 'done' && ${exchangeProperty.status} != 'failed'"
                                + " && ${exchangeProperty.polls} < " + maxPolls)))
                    // delay is a block in the Java DSL: closed at once, or the rest of the route would run inside it
                    .delay(cadence.toMillis()).end()
                    .setBody(simple("{\"action\":\"retrieve\",\"id\":\"${exchangeProperty.taskId}\"}"))
                    .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .setHeader("Authorization", constant("Bearer " + token))
                    .to(apiBaseUrl + "/dreamina/tasks?throwExceptionOnFailure=false")
                    .process(BaselineRoute::readStatus)
                .end()
                .removeHeaders("*")
                .setHeader(KafkaConstants.KEY, exchangeProperty("taskId"))
                .choice()
                    .when(simple("${exchangeProperty.status} == 'done'"))
                        .to("kafka:" + outputTopic)
                    .otherwise()
                        .to("kafka:" + deadLetterTopic)
                .end();
    }

    /** Ends the loops in flight (within one cadence): the route can then stop without interrupting anything. */
    void endLoops() {
        stopping.set(true);
    }

    /** status = response.data.status when there is a video (or a failure), "" while not finished or on an error. */
    private static void readStatus(Exchange exchange) throws Exception {
        String body = exchange.getMessage().getBody(String.class);
        exchange.setProperty("polls", exchange.getProperty("polls", Integer.class) + 1);
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code == null || code != 200 || body == null || body.isEmpty()) {
            exchange.setProperty("status", "");
            return;
        }
        JsonNode data = JSON.readTree(body).path("response").path("data");
        String status = data.path("status").asText("");
        boolean hasVideo = !data.path("video_url").asText("").isEmpty();
        if (status.equals("done") && !hasVideo) {
            status = "failed";
        } else if (!status.equals("done") && !status.equals("failed")) {
            status = "";
        }
        exchange.setProperty("status", status);
        exchange.getMessage().setBody(body);
    }
}
