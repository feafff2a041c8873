package cloud.acedata.dreamina.bridge.ops;

import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.config.UnknownSettings;
import cloud.acedata.dreamina.bridge.kafka.KafkaEnvironment;
import cloud.acedata.dreamina.bridge.observe.ManagementServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.ops.OpsFiles.at;
import static cloud.acedata.dreamina.bridge.ops.OpsFiles.list;
import static cloud.acedata.dreamina.bridge.ops.OpsFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes manifests of ops/kubernetes checked against the bridge itself: the probe paths and the port are
 * the ones the management server serves, every environment variable is a setting the bridge knows, the grace period
 * covers the documented stop bounds, the Service points Prometheus at the metrics, and the PrometheusRule carries
 * the rule files as they are. A renamed path or setting fails here, not in a cluster.
 */
class OpsManifestsTest {

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\{\\{env:([A-Z0-9_]+):([^}]*)}}");
    private final Map<String, Object> deployment = OpsFiles.yaml("kubernetes/deployment.yaml");
    private final Map<String, Object> container = map(at(deployment, "spec", "template", "spec", "containers", 0));
    private final Properties defaults = OpsFiles.defaults();

    @Test
    void theProbesUseThePathsAndThePortTheManagementServerServes() {
        assertEquals(ManagementServer.HEALTH_PATH + "/live", at(container, "livenessProbe", "httpGet", "path"));
        assertEquals(ManagementServer.HEALTH_PATH + "/ready", at(container, "readinessProbe", "httpGet", "path"));
        assertEquals("management", at(container, "livenessProbe", "httpGet", "port"));
        assertEquals("management", at(container, "readinessProbe", "httpGet", "port"));
        assertEquals(managementPort(), containerPort("management"));
    }

    @Test
    void everyEnvironmentVariableIsASettingTheBridgeKnows() {
        Map<String, String> environment = environment();
        Set<String> unknown = new TreeSet<>();
        Set<String> camelFromFile = camelVariablesOfThePropertiesFile();
        // Exactly a setting's variable: not merely let through, as the bridge lets through what Kubernetes injects.
        Set<String> dreamina = UnknownSettings.documented().knownVariables();
        for (String name : environment.keySet()) {
            boolean known = dreamina.contains(name) || name.startsWith(KafkaEnvironment.VARIABLE_PREFIX)
                    || camelFromFile.contains(name);
            if (!known) {
                unknown.add(name);
            }
        }
        assertEquals(Set.of(), unknown, "variables that are no setting of the bridge");
        try {
            UnknownSettings.documented().requireNone(List.of(), new Properties(), environment);
            KafkaEnvironment.ofKafkaComponent().properties(environment, new Properties());
        } catch (SettingException e) {
            fail("The Deployment names a setting the bridge does not know: " + e.getMessage());
        }
    }

    @Test
    void theGracePeriodCoversTheDocumentedStopBounds() {
        Map<String, String> environment = environment();
        // README "Stopping": the scheduler's stop (stop-timeout plus 5 s for a batch already writing), then the
        // routes' shutdown timeout, then the extra bound before the stop is forced.
        long scheduler = seconds(setting("dreamina.poll.stop-timeout", environment)) + 5;
        long routes = Long.parseLong(setting("camel.main.shutdown-timeout", environment));
        long extra = Long.parseLong(setting("camel.main.extra-shutdown-timeout", environment));
        long grace = ((Number) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                .longValue();
        assertTrue(grace >= scheduler + routes + extra, "terminationGracePeriodSeconds " + grace + " < "
                + scheduler + " + " + routes + " + " + extra);
    }

    @Test
    void theServiceLetsPrometheusScrapeTheMetricsPath() {
        Map<String, Object> service = OpsFiles.yaml("kubernetes/service.yaml");
        Map<String, Object> annotations = map(at(service, "metadata", "annotations"));
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(ManagementServer.METRICS_PATH, annotations.get("prometheus.io/path"));
        assertEquals(String.valueOf(managementPort()), annotations.get("prometheus.io/port"));
        assertEquals("management", at(service, "spec", "ports", 0, "targetPort"));
        assertEquals(managementPort(), ((Number) at(service, "spec", "ports", 0, "port")).intValue());
        Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
        assertEquals(podLabels, at(service, "spec", "selector"));
        assertEquals(podLabels, at(OpsFiles.yaml("kubernetes/pod-disruption-budget.yaml"), "spec", "selector",
                "matchLabels"));
    }

    @Test
    void everySecretTheDeploymentReadsHasItsKeyAndTheTokenComesFromASecret() {
        Map<String, Set<String>> secretKeys = new HashMap<>();
        for (Map<String, Object> secret : OpsFiles.yamlDocuments("kubernetes/secret.yaml")) {
            Set<String> keys = new TreeSet<>();
            for (String field : List.of("data", "stringData")) {
                Object data = secret.get(field);
                if (data != null) {
                    keys.addAll(map(data).keySet());
                }
            }
            secretKeys.put((String) at(secret, "metadata", "name"), keys);
        }
        boolean tokenFromSecret = false;
        for (Object variable : list(container.get("env"))) {
            Object ref = map(variable).get("valueFrom");
            if (ref != null) {
                Map<String, Object> secretRef = map(at(ref, "secretKeyRef"));
                assertTrue(secretKeys.getOrDefault(secretRef.get("name"), Set.of()).contains(secretRef.get("key")),
                        "secret " + secretRef);
                tokenFromSecret |= "DREAMINA_API_TOKEN".equals(map(variable).get("name"));
            }
        }
        assertTrue(tokenFromSecret, "DREAMINA_API_TOKEN from a Secret");
    }

    @Test
    void thePrometheusRuleCarriesTheRuleFilesAsTheyAre() {
        List<Object> groups = new ArrayList<>();
        groups.addAll(list(at(OpsFiles.yaml("prometheus/alerts.yaml"), "groups")));
        groups.addAll(list(at(OpsFiles.yaml("prometheus/recording-rules.yaml"), "groups")));
        Map<String, Object> rule = OpsFiles.yaml("kubernetes/prometheus-rule.yaml");
        assertEquals("PrometheusRule", rule.get("kind"));
        assertEquals(groups, at(rule, "spec", "groups"), "copy the rule files' groups into prometheus-rule.yaml");
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object variable : list(container.get("env"))) {
            Map<String, Object> entry = map(variable);
            Object value = entry.get("value");
            environment.put((String) entry.get("name"), value == null ? "(from a secret)" : value.toString());
        }
        return environment;
    }

    /** The {@code CAMEL_*} variables the properties file reads through {@code {{env:…}}}. */
    private Set<String> camelVariablesOfThePropertiesFile() {
        Set<String> names = new TreeSet<>();
        for (String key : defaults.stringPropertyNames()) {
            Matcher matcher = ENV_DEFAULT.matcher(defaults.getProperty(key));
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    /** A key's value as the Deployment makes it: its variable when the manifest sets one, else the default. */
    private String setting(String key, Map<String, String> environment) {
        String variable = SettingException.environmentVariable(key);
        if (environment.containsKey(variable)) {
            return environment.get(variable);
        }
        String value = defaults.getProperty(key);
        assertTrue(value != null, key + " is no longer in config/application.properties");
        Matcher matcher = ENV_DEFAULT.matcher(value);
        return matcher.matches() ? matcher.group(2) : value.trim();
    }

    private int managementPort() {
        return Integer.parseInt(setting("dreamina.management.port", environment()));
    }

    private int containerPort(String name) {
        for (Object port : list(container.get("ports"))) {
            if (name.equals(map(port).get("name"))) {
                return ((Number) map(port).get("containerPort")).intValue();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    private static long seconds(String duration) {
        return cloud.acedata.dreamina.bridge.util.Durations.parse(duration).toSeconds();
    }
}
