package cloud.acedata.dreamina.bridge.routes;

import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The three routes that write to Kafka, each into its topic, and the error policy's promise: no
 * {@code Authorization} (nor {@code Proxy-Authorization}) header reaches a {@code kafka:} endpoint, whatever the
 * exchange carries when it gets there.
 */
class KafkaEndpointsTest extends RouteTestSupport {

    @Override
    protected List<String> routeFiles() {
        return List.of("publish-video.camel.yaml", "dead-letter.camel.yaml", "schedule-task.camel.yaml");
    }

    @ParameterizedTest
    @CsvSource({
            "publish-video, dreamina.topic.output",
            "dead-letter, dreamina.topic.dead-letter",
            "schedule-task, dreamina.topic.pending"})
    void writesToItsTopicWithoutAnyAuthorizationHeader(String routeId, String topic) throws Exception {
        startContext();
        MockEndpoint kafka = topic(topic);
        kafka.expectedMessageCount(1);
        kafka.expectedHeaderReceived("dreamina.task.id", "task-1");

        byte[] value = "{\"task_id\":\"task-1\"}".getBytes(StandardCharsets.UTF_8);
        template.sendBodyAndHeaders("direct:" + routeId, value, Map.of(
                "dreamina.task.id", "task-1",
                "Authorization", "Bearer secret-token",
                "authorization", "Bearer secret-token",
                "Proxy-Authorization", "Basic c2VjcmV0"));

        kafka.assertIsSatisfied();
        Exchange written = kafka.getReceivedExchanges().get(0);
        assertArrayEquals(value, written.getMessage().getBody(byte[].class), "the value, byte for byte");
        for (String name : written.getMessage().getHeaders().keySet()) {
            assertFalse(name.toLowerCase().contains("authorization"), "header " + name + " reached the topic of " + topic);
        }
        assertEquals("task-1", written.getMessage().getHeader("dreamina.task.id"));
    }
}
