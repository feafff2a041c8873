package cloud.acedata.dreamina.bridge.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The management port: Prometheus metrics on {@code /observe/metrics}, Camel's health checks (the bridge's own
 * included) on {@code /observe/health}, {@code /observe/health/live} and {@code /observe/health/ready}: 200 when
 * every check is UP, 503 otherwise, with a JSON body naming each check.
 * <p>
 * These are the paths and the JSON shape of camel-main's management server ({@code camel.management.*}), which
 * lives in {@code camel-platform-http-main}; that artifact (and camel-micrometer-prometheus) 4.22.0 is not served by
 * the registry this project builds from, so the JDK's own HTTP server serves the same paths, and swapping to
 * Camel's is a configuration change for whoever can get it.
 */
public final class ManagementServer implements AutoCloseable {

    public static final String METRICS_PATH = "/observe/metrics";
    public static final String HEALTH_PATH = "/observe/health";
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static ManagementServer start(String host, int port, CamelContext context,
                                         PrometheusMeterRegistry registry) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dreamina-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(METRICS_PATH, exchange -> answer(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext(HEALTH_PATH, exchange -> health(exchange, context));
        server.start();
        LOG.info("Management port {}: metrics on {}, health on {}, {}/live, {}/ready",
                server.getAddress().getPort(), METRICS_PATH, HEALTH_PATH, HEALTH_PATH, HEALTH_PATH);
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, CamelContext context) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Function<CamelContext, Collection<HealthCheck.Result>> invoke;
        boolean readiness;
        if (path.equals(HEALTH_PATH) || path.equals(HEALTH_PATH + "/")) {
            invoke = HealthCheckHelper::invoke;
            readiness = true;
        } else if (path.equals(HEALTH_PATH + "/live")) {
            invoke = HealthCheckHelper::invokeLiveness;
            readiness = false;
        } else if (path.equals(HEALTH_PATH + "/ready")) {
            invoke = HealthCheckHelper::invokeReadiness;
            readiness = true;
        } else {
            answer(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        Collection<HealthCheck.Result> results = invoke.apply(context);
        boolean up = isUp(results, readiness);
        answer(exchange, up ? 200 : 503, "application/json; charset=utf-8", json(up, results));
    }

    /** Up when there are checks and every one is up (what the probe paths answer 200 for). */
    static boolean isUp(Collection<HealthCheck.Result> results, boolean readiness) {
        return !results.isEmpty() && HealthCheckHelper.isResultsUp(results, readiness);
    }

    static String json(boolean up, Collection<HealthCheck.Result> results) {
        ObjectNode root = JSON.createObjectNode().put("status", up ? "UP" : "DOWN");
        ArrayNode checks = root.putArray("checks");
        List<HealthCheck.Result> sorted = results.stream()
                .sorted(Comparator.comparing(r -> r.getCheck().getId())).toList();
        for (HealthCheck.Result result : sorted) {
            ObjectNode check = checks.addObject().put("name", result.getCheck().getId())
                    .put("status", result.getState().name());
            result.getMessage().ifPresent(message -> check.put("message", message));
            ObjectNode details = JSON.createObjectNode();
            for (Map.Entry<String, Object> detail : result.getDetails().entrySet()) {
                if (!HealthCheckHelper.isReservedKey(detail.getKey()) && detail.getValue() != null) {
                    details.put(detail.getKey(), detail.getValue().toString());
                }
            }
            if (!details.isEmpty()) {
                check.set("details", details);
            }
        }
        return root.toPrettyString() + "\n";
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
