package cloud.acedata.dreamina.bridge.ops;

import cloud.acedata.dreamina.bridge.observe.ManagementServer;
import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.ManagementPort;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.ops.OpsFiles.at;
import static cloud.acedata.dreamina.bridge.ops.OpsFiles.list;
import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ops/ ships, against one running bridge (the jar in local mode, its sample tasks done and dead-lettered) and
 * the real tools: {@code promtool check metrics} on its live metrics, a Prometheus server scraping it that answers
 * every query of the dashboard and the recording rules, and the manifests' probe paths on its management port. A
 * renamed metric or path breaks the build here, not an operator's dashboard.
 */
class OpsPrometheusIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What promtool says today about families the bridge does not name: Kafka's client metrics (units in names such
     * as _ns and _ms, gauges ending in _count, a few without help), Micrometer's system_cpu_count and
     * process_cpu_time_ns_total, and the camelCase routeId label of camel_exchanges_seconds (Camel's own label
     * name, kept). Anything else is a new complaint and fails the test.
     */
    private static final List<Pattern> KNOWN_COMPLAINTS = List.of(
            Pattern.compile("kafka_(producer|consumer|app_info)_\\w*_(ns|ms)(_total|_avg|_max)? metric names should "
                    + "not contain abbreviated units"),
            Pattern.compile("kafka_(producer|consumer)_\\w*_count non-histogram and non-summary metrics should not "
                    + "have \"_count\" suffix"),
            Pattern.compile("kafka_(producer|consumer)_\\w+ no help text"),
            Pattern.compile("system_cpu_count non-histogram and non-summary metrics should not have \"_count\" "
                    + "suffix"),
            Pattern.compile("process_cpu_time_ns_total metric names should not contain abbreviated units"),
            Pattern.compile("camel_exchanges_seconds(_max)? label names should be written in 'snake_case' not "
                    + "'camelCase'"));
    private static final Pattern METRIC = Pattern.compile("\\b(dreamina_[a-z_]+)\\b");

    @TempDir
    static Path dir;
    private static BridgeProcess bridge;
    private static ManagementPort management;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startTheBridgeAndPrometheus() throws Exception {
        int port = PrometheusServer.freePort();
        Path work = dir.resolve("bridge");
        Files.createDirectories(work);
        bridge = BridgeProcess.start(work, Map.of("DREAMINA_MANAGEMENT_PORT", String.valueOf(port)));
        management = new ManagementPort(port);
        bridge.awaitLog(Pattern.compile("LOCAL MODE"), 1, DEADLINE);
        // Every family the ops files read exists once tasks were published and dead-lettered.
        bridge.awaitLog(Pattern.compile("Task [0-9a-f-]{36} done: "), 4, DEADLINE);
        within(DEADLINE).alias("the published tasks in the metrics")
                .until(() -> management.get(ManagementServer.METRICS_PATH).body()
                        .contains("dreamina_tasks_published_total 4.0"));
        prometheus = PrometheusServer.start(dir, "localhost:" + port, ManagementServer.METRICS_PATH,
                List.of(PrometheusTools.OPS.resolve("prometheus/recording-rules.yaml"),
                        PrometheusTools.OPS.resolve("prometheus/alerts.yaml")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void promtoolHasNoComplaintAboutTheBridgesOwnMetricsAndNoNewOne() throws Exception {
        String exposition = management.get(ManagementServer.METRICS_PATH).body();
        PrometheusTools.Run run = PrometheusTools.checkMetrics(exposition);
        List<String> own = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String line : run.output().lines().filter(l -> !l.isBlank()).toList()) {
            if (line.startsWith("dreamina_")) {
                own.add(line);
            } else if (KNOWN_COMPLAINTS.stream().noneMatch(known -> known.matcher(line).matches())) {
                unknown.add(line);
            }
        }
        assertEquals(List.of(), own, "complaints about the bridge's own families");
        assertEquals(List.of(), unknown, "complaints not known to this test (fix them, or list them if they are "
                + "a third party's)");
    }

    @Test
    void prometheusAnswersEveryQueryOfTheDashboardAndTheRecordingRules() {
        List<String> queries = new ArrayList<>(dashboardQueries());
        queries.addAll(ruleExpressions("prometheus/recording-rules.yaml"));
        within(DEADLINE).alias("every query answered")
                .untilAsserted(() -> assertEquals(List.of(), queries.stream()
                        .filter(q -> prometheus.query(q).isEmpty()).toList(), "queries with an empty result"));
        for (JsonNode group : prometheus.rules()) {
            for (JsonNode rule : group.path("rules")) {
                assertEquals("ok", rule.path("health").asText(), rule.toString());
            }
        }
    }

    @Test
    void everyMetricTheAlertsReadIsServed() {
        String exposition = management.get(ManagementServer.METRICS_PATH).body();
        Set<String> missing = new TreeSet<>();
        for (String expression : ruleExpressions("prometheus/alerts.yaml")) {
            Matcher matcher = METRIC.matcher(expression);
            while (matcher.find()) {
                if (!exposition.contains("\n" + matcher.group(1))) {
                    missing.add(matcher.group(1));
                }
            }
        }
        assertEquals(Set.of(), missing, "metrics the alerts read that the bridge does not serve");
    }

    @Test
    void theManifestsProbeAndScrapePathsAnswerOnTheRunningBridge() {
        Map<String, Object> container = OpsFiles.map(at(OpsFiles.yaml("kubernetes/deployment.yaml"),
                "spec", "template", "spec", "containers", 0));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            String path = (String) at(container, probe, "httpGet", "path");
            within(DEADLINE).alias(probe + " " + path + " UP")
                    .until(() -> management.get(path).status() == 200);
        }
        String scrapePath = (String) at(OpsFiles.yaml("kubernetes/service.yaml"), "metadata", "annotations",
                "prometheus.io/path");
        assertTrue(management.get(scrapePath).body().contains("dreamina_tasks_in_flight"), scrapePath);
    }

    /** Every target's expression and every variable's query of the dashboard, with the variables set to all. */
    private static List<String> dashboardQueries() {
        JsonNode dashboard;
        try {
            dashboard = JSON.readTree(OpsFiles.read("grafana/dreamina-bridge.json"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\((.+), *\\w+\\)");
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher matcher = labelValues.matcher(variable.path("definition").asText());
            if (matcher.matches()) {
                queries.add(matcher.group(1));
            }
        }
        assertTrue(queries.size() > 20, "the dashboard's queries: " + queries);
        return queries.stream().map(q -> q.replace("$job", ".*").replace("$instance", ".*")).toList();
    }

    private static List<String> ruleExpressions(String file) {
        List<String> expressions = new ArrayList<>();
        for (Object group : list(at(OpsFiles.yaml(file), "groups"))) {
            for (Object rule : list(at(group, "rules"))) {
                expressions.add((String) at(rule, "expr"));
            }
        }
        return expressions;
    }
}
