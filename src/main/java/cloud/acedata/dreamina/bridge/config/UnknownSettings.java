package cloud.acedata.dreamina.bridge.config;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.OrderedLocationProperties;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses to start with a {@code dreamina.*} key the bridge does not know — most likely a typo
 * ({@code DREAMINA_POLL_INTERVALL=1s} would otherwise leave the interval at its default, silently). The known keys
 * are the ones {@code config/application.properties} documents (the copy inside the jar: the single source of
 * truth), commented-out ones such as {@code dreamina.api.token} included.
 *
 * <p>What an operator gives is checked: keys of the properties files, {@code -Ddreamina.*} system properties and
 * {@code DREAMINA_*} environment variables. Not checked: the logging variables that {@code log4j2.xml} reads
 * ({@code DREAMINA_LOG_LEVEL}, {@code DREAMINA_HTTP_LOG_LEVEL}, {@code DREAMINA_LOG_FORMAT}), the variables
 * Kubernetes injects for a Service named {@code dreamina} ({@code DREAMINA_SERVICE_HOST}, {@code DREAMINA_PORT_…},
 * skipped by Camel too), and properties a program sets (override properties of tests and local mode).
 */
public final class UnknownSettings {

    /** Environment variables of the logging configuration, not properties. */
    public static final Set<String> LOGGING_VARIABLES =
            Set.of("DREAMINA_LOG_LEVEL", "DREAMINA_HTTP_LOG_LEVEL", "DREAMINA_LOG_FORMAT");
    private static final String DOCUMENTED = "application.properties";
    private static final Pattern DOCUMENTED_KEY =
            Pattern.compile("^\\s*#?\\s*(dreamina\\.[A-Za-z0-9._-]+)\\s*[=:]", Pattern.MULTILINE);

    private final Set<String> known;

    public UnknownSettings(Set<String> known) {
        this.known = Set.copyOf(known);
    }

    /** The keys documented in the properties file inside the jar. */
    public static UnknownSettings documented() {
        try (InputStream in = UnknownSettings.class.getClassLoader().getResourceAsStream(DOCUMENTED)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENTED + " is missing from the classpath");
            }
            return new UnknownSettings(documentedKeys(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DOCUMENTED, e);
        }
    }

    /** Every {@code dreamina.*} key of a properties file's text, set or commented out. */
    static Set<String> documentedKeys(String propertiesText) {
        Set<String> keys = new TreeSet<>();
        Matcher matcher = DOCUMENTED_KEY.matcher(propertiesText);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
        return keys;
    }

    /** Checks what this process was given: its properties files, system properties and environment. */
    public void requireNone(PropertiesComponent properties) {
        OrderedLocationProperties loaded = (OrderedLocationProperties) properties.loadProperties(
                key -> key.startsWith("dreamina."));
        List<String> fileKeys = new ArrayList<>();
        for (String key : loaded.stringPropertyNames()) {
            String location = loaded.getLocation(key);
            if (!"override".equals(location) && !"initial".equals(location)) {
                fileKeys.add(key);
            }
        }
        requireNone(fileKeys, System.getProperties(), System.getenv());
    }

    /** @throws SettingException naming every unknown key and its environment variable, in one line */
    public void requireNone(List<String> fileKeys, Properties systemProperties, Map<String, String> environment) {
        Set<String> unknown = new TreeSet<>();
        for (String key : fileKeys) {
            if (key.startsWith("dreamina.") && !known.contains(key)) {
                unknown.add(key);
            }
        }
        for (String key : systemProperties.stringPropertyNames()) {
            if (key.startsWith("dreamina.") && !known.contains(key)) {
                unknown.add(key);
            }
        }
        Set<String> knownVariables = knownVariables();
        for (String name : environment.keySet()) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (upper.startsWith("DREAMINA_") && !knownVariables.contains(upper) && !isKubernetesServiceLink(upper)) {
                unknown.add(upper.toLowerCase(Locale.ROOT).replace('_', '.'));
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        List<String> described = unknown.stream().map(SettingException::describe).toList();
        throw SettingException.withMessage(unknown.iterator().next(), (unknown.size() == 1
                ? "unknown setting " : "unknown settings ") + String.join(", ", described)
                + ": not a key of dreamina-bridge (a typo?); the known keys are documented in "
                + "config/application.properties");
    }

    /** The {@code DREAMINA_*} variables that are settings (one per known key) or logging variables. */
    public Set<String> knownVariables() {
        Set<String> variables = new TreeSet<>(LOGGING_VARIABLES);
        known.forEach(key -> variables.add(SettingException.environmentVariable(key)));
        return variables;
    }

    /** Camel's rule for the variables Kubernetes injects per Service. */
    private static boolean isKubernetesServiceLink(String name) {
        return name.endsWith("_SERVICE_HOST") || name.endsWith("_SERVICE_PORT") || name.endsWith("_PORT")
                || name.contains("_PORT_");
    }
}
