package cloud.acedata.dreamina.bridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scraping one target every second and evaluating the rule
 * files every second, asked through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param dir       its configuration, data and log go here
     * @param target    {@code host:port} of the bridge's management port
     * @param ruleFiles rule files it loads (a file that does not load stops it: the start fails)
     */
    static PrometheusServer start(Path dir, String target, String metricsPath, List<Path> ruleFiles)
            throws IOException {
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        ruleFiles.forEach(file -> config.append("  - ").append(file.toAbsolutePath()).append('\n'));
        config.append("scrape_configs:\n  - job_name: dreamina-bridge\n    metrics_path: ").append(metricsPath)
                .append("\n    static_configs:\n      - targets: ['").append(target).append("']\n");
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(PrometheusTools.prometheus().toString(),
                "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        within(Duration.ofSeconds(60)).alias("Prometheus ready")
                .until(() -> !process.isAlive() || server.status("/-/ready") == 200);
        if (!process.isAlive()) {
            throw new AssertionError("Prometheus did not start:\n" + Files.readString(log));
        }
        return server;
    }

    /** The result of an instant query ({@code data.result}), an empty array when nothing matched. */
    JsonNode query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + answer);
        }
        return answer.path("data").path("result");
    }

    /** {@code /api/v1/rules}: the groups as loaded, with each rule's health and last error. */
    JsonNode rules() {
        return get("/api/v1/rules").path("data").path("groups");
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("Prometheus did not answer " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** A port nobody listens on now (for the server, and for the bridge's management port). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }
}
