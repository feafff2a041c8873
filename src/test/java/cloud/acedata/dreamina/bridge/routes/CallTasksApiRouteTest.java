package cloud.acedata.dreamina.bridge.routes;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code call-tasks-api} against a local HTTP server that records what it receives: one POST to
 * {@code {base}/dreamina/tasks} with the bearer token and JSON headers; the answer comes back whatever its status,
 * with its status, body and {@code Retry-After}, and without the credential.
 */
class CallTasksApiRouteTest extends RouteTestSupport {

    private static final String TOKEN = "route-test-token";

    private record Received(String method, String path, String authorization, String contentType, String accept,
                            String body) {
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private HttpServer server;
    private volatile int status = 200;
    private volatile String answer = "{\"items\":[],\"count\":0}";
    private volatile String retryAfter;

    @Override
    protected List<String> routeFiles() {
        return List.of("call-tasks-api.camel.yaml");
    }

    @Override
    protected Properties overrides() {
        Properties overrides = super.overrides();
        overrides.setProperty("dreamina.api.base-url", "http://127.0.0.1:" + server.getAddress().getPort());
        overrides.setProperty("dreamina.api.token", TOKEN);
        return overrides;
    }

    @Override
    protected void doPreSetup() throws IOException {
        // Without it the JDK server's Nagle and the client's delayed ACK cost about 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"),
                    new String(body, StandardCharsets.UTF_8)));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @BeforeEach
    void start() throws Exception {
        startContext();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void postsTheRequestWithTheBearerTokenAndJsonHeaders() throws Exception {
        String request = "{\"action\":\"retrieve_batch\",\"ids\":[\"t-1\",\"t-2\"]}";

        Exchange reply = call(request, Map.of());

        Received sent = received.poll();
        assertNotNull(sent, "the API received no request");
        assertEquals("POST", sent.method());
        assertEquals("/dreamina/tasks", sent.path());
        assertEquals("Bearer " + TOKEN, sent.authorization());
        assertEquals("application/json", sent.contentType().replaceAll(";.*", ""));
        assertEquals("application/json", sent.accept());
        assertEquals(request, sent.body());
        assertEquals(200, reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        assertEquals("{\"items\":[],\"count\":0}", reply.getMessage().getBody(String.class));
    }

    @Test
    void theCredentialIsNotOnTheAnswer() {
        Exchange reply = call("{\"action\":\"retrieve\",\"id\":\"t-1\"}", Map.of());

        assertNull(reply.getMessage().getHeader("Authorization"), "the answer carries the credential");
    }

    @Test
    void anErrorStatusIsAnAnswerNotAnException() {
        // throwExceptionOnFailure=false: the taskPoller classifies 4xx and 5xx itself, with the Retry-After. (A 500:
        // HttpClient's defaults, which this test context keeps, would retry a 429 or 503 by themselves.)
        status = 500;
        retryAfter = "7";
        answer = "{\"error\":{\"code\":\"api_error\",\"message\":\"try again\"}}";

        Exchange reply = call("{\"action\":\"retrieve\",\"id\":\"t-1\"}", Map.of());

        assertNull(reply.getException(), "the route threw on a 500");
        assertEquals(500, reply.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        assertEquals("7", reply.getMessage().getHeader("Retry-After", String.class));
        assertEquals(answer, reply.getMessage().getBody(String.class));
        assertNull(reply.getMessage().getHeader("Authorization"));
    }

    @Test
    void theMethodIsTheEndpointsOptionWhateverTheCallerSets() {
        // httpMethod=POST on the endpoint: a CamelHttpMethod header cannot turn the call into something else.
        call("{\"action\":\"retrieve\",\"id\":\"t-1\"}", Map.of(Exchange.HTTP_METHOD, "GET"));

        assertEquals("POST", received.poll().method());
    }

    private Exchange call(String json, Map<String, Object> headers) {
        return template.request("direct:call-tasks-api", exchange -> {
            exchange.getMessage().setBody(json.getBytes(StandardCharsets.UTF_8));
            exchange.getMessage().getHeaders().putAll(headers);
        });
    }
}
