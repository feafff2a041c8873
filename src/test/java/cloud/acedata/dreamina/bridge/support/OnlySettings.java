package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;

import java.util.Map;
import java.util.Properties;

/** {@link BridgeSettings} read from the given values only: neither the machine's environment nor system properties. */
public final class OnlySettings {

    private OnlySettings() {
    }

    /** @param context a started context: the properties component looks values up through its type converter */
    public static BridgeSettings of(CamelContext context, Map<String, String> values) {
        Properties initial = new Properties();
        initial.putAll(values);
        PropertiesComponent properties = new PropertiesComponent();
        properties.setCamelContext(context);
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.setInitialProperties(initial);
        properties.start();
        try {
            return BridgeSettings.from(properties);
        } finally {
            properties.stop();
        }
    }
}
