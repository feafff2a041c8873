package cloud.acedata.dreamina.bridge.ops;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static cloud.acedata.dreamina.bridge.ops.OpsFiles.at;
import static cloud.acedata.dreamina.bridge.ops.OpsFiles.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule files as Prometheus reads them: {@code promtool check rules} on both, and {@code promtool test rules}
 * on alerts.test.yaml, where every alert has input series that make it fire and series that must leave it silent.
 */
class PrometheusRulesTest {

    @Test
    void bothRuleFilesAreValidRules() throws Exception {
        PrometheusTools.Run run = PrometheusTools.promtool("check", "rules", "alerts.yaml", "recording-rules.yaml");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("SUCCESS: 12 rules found"), run.output());
    }

    @Test
    void everyAlertHasAFiringAndASilentCase() {
        Set<String> alerts = new TreeSet<>();
        for (Object group : list(at(OpsFiles.yaml("prometheus/alerts.yaml"), "groups"))) {
            for (Object rule : list(at(group, "rules"))) {
                alerts.add((String) at(rule, "alert"));
            }
        }
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Object test : list(at(OpsFiles.yaml("prometheus/alerts.test.yaml"), "tests"))) {
            for (Object check : list(at(test, "alert_rule_test"))) {
                String name = (String) at(check, "alertname");
                (list(at(check, "exp_alerts")).isEmpty() ? silent : firing).add(name);
            }
        }
        assertEquals(alerts, firing, "alerts with a firing case");
        assertEquals(alerts, silent, "alerts with a silent case");
    }

    @Test
    void everyAlertFiresOnItsSeriesAndStaysSilentOnTheOthers() throws Exception {
        PrometheusTools.Run run = PrometheusTools.promtool("test", "rules", "alerts.test.yaml");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("SUCCESS"), run.output());
    }
}
