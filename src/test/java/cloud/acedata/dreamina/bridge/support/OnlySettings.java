package cloud.acedata.dreamina.bridge.support;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Settings read as the bridge reads them, from {@code config/application.properties} (where every default is
 * written, once) with the given values on top, and from nothing else: neither the machine's environment nor system
 * properties.
 */
public final class OnlySettings {

    private OnlySettings() {
    }

    /** @param context a started context: the properties component looks values up through its type converter */
    public static BridgeSettings of(CamelContext context, Map<String, String> values) {
        Properties initial = defaults();
        initial.putAll(values);
        return readExactly(context, initial, BridgeSettings::from);
    }


    /** Reads with {@code reader} from {@code values} alone: no defaults (a missing key is then missing). */
    public static <T> T readExactly(CamelContext context, Properties values,
                                    Function<org.apache.camel.spi.PropertiesComponent, T> reader) {
        PropertiesComponent properties = new PropertiesComponent();
        properties.setCamelContext(context);
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.setInitialProperties(values);
        properties.start();
        try {
            return reader.apply(properties);
        } finally {
            properties.stop();
        }
    }

    /** The project's {@code config/application.properties}, as an operator's copy of it would be read. */
    public static Properties defaults() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("config/application.properties (tests run from the project root)", e);
        }
        return properties;
    }
}
