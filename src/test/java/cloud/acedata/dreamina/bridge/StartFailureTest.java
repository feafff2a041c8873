package cloud.acedata.dreamina.bridge;

import cloud.acedata.dreamina.bridge.config.SettingException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartFailureTest {

    private static final Object KAFKA_COMPONENT = new Object();

    @Test
    void aSettingExceptionAnywhereInTheChainIsItsOwnLine() {
        SettingException setting = new SettingException("dreamina.poll.interval", "must be longer than 0, not '0'");
        assertEquals(Optional.of("dreamina.poll.interval (environment variable DREAMINA_POLL_INTERVAL): must be "
                + "longer than 0, not '0'"), StartFailure.describe(new RuntimeCamelException(setting), List.of()));
    }

    @Test
    void anUnknownCamelOptionIsNamedAsTheOperatorWroteIt() {
        // What camel-main throws for -Dcamel.component.kafka.foo-bar=1: the binding of "fooBar" failed.
        PropertyBindingException inner = new PropertyBindingException(KAFKA_COMPONENT, "fooBar", "1");
        PropertyBindingException outer = new PropertyBindingException(KAFKA_COMPONENT, "fooBar", "1",
                "camel.component.kafka", "fooBar", inner);

        assertEquals(Optional.of("camel.component.kafka.foo-bar (environment variable CAMEL_COMPONENT_KAFKA_FOO_BAR)"
                        + ": Camel has no such option (a typo, or a component that is not in the jar?)"),
                StartFailure.describe(outer, List.of("camel.component.kafka.foo-bar")));
        // Not given in that spelling: Camel's key in kebab case.
        assertEquals("camel.component.kafka.foo-bar", StartFailure.describe(outer, List.of()).orElseThrow()
                .split(" ")[0]);
    }

    @Test
    void aCamelValueOfTheWrongTypeIsNamedWithoutTheValue() {
        PropertyBindingException outer = new PropertyBindingException(KAFKA_COMPONENT, "pollTimeoutMs",
                "sasl-secret-42", "camel.component.kafka", "pollTimeoutMs",
                new NumberFormatException("For input string: \"sasl-secret-42\""));
        String line = StartFailure.describe(outer, List.of()).orElseThrow();
        assertEquals("camel.component.kafka.poll-timeout-ms (environment variable "
                + "CAMEL_COMPONENT_KAFKA_POLL_TIMEOUT_MS): Camel cannot use its value (NumberFormatException)", line);
        assertFalse(line.contains("sasl-secret-42"));
    }

    @Test
    void anUnknownComponentAndAnUnknownMainOptionFromTheEnvironment() {
        IllegalArgumentException component = new IllegalArgumentException("Error configuring property: "
                + "camel.component.nosuch.x because cannot find component with name nosuch. Make sure you have the "
                + "component on the classpath");
        assertTrue(StartFailure.describe(component, List.of()).orElseThrow()
                .startsWith("camel.component.nosuch.x (environment variable CAMEL_COMPONENT_NOSUCH_X): "));

        IllegalArgumentException main = new IllegalArgumentException("Cannot find getter method: foo on bean: class "
                + "org.apache.camel.main.MainConfigurationProperties when binding property: foo.bar");
        List<String> supplied = StartFailure.suppliedCamelKeys(new Properties(), Map.of("CAMEL_MAIN_FOO_BAR", "1"));
        assertEquals(List.of("camel.main.foo.bar"), supplied);
        assertTrue(StartFailure.describe(main, supplied).orElseThrow()
                .startsWith("camel.main.foo.bar (environment variable CAMEL_MAIN_FOO_BAR): Camel has no such option"));
    }

    @Test
    void anythingElseIsNotAConfigurationError() {
        assertEquals(Optional.empty(), StartFailure.describe(new IllegalStateException("boom"), List.of()));
        assertEquals(Optional.empty(), StartFailure.describe(new IllegalArgumentException(
                "when binding property: unrelated"), List.of("camel.main.name")));
    }
}
