package cloud.acedata.dreamina.bridge.kafka;

import cloud.acedata.dreamina.bridge.config.SettingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code CAMEL_COMPONENT_KAFKA_*} environment variables as {@code camel.component.kafka.*} options. camel-main
 * applies such a variable only when its key is already in a properties file: {@code …_SECURITY_PROTOCOL},
 * {@code …_SSL_TRUSTSTORE_LOCATION} or {@code …_SASL_JAAS_CONFIG} given alone were silently ignored, and the bridge
 * spoke plaintext to a TLS listener. Here every such variable is matched to the kafka component's option of the same
 * name (letters and digits compared, case and separators aside: {@code SSL_TRUSTSTORE_LOCATION} is
 * {@code sslTruststoreLocation}); one that matches no option stops the start, naming it.
 *
 * <p>Precedence stays Camel's: a {@code -Dcamel.component.kafka.*} system property for the same option wins over
 * the variable, and the variable over the properties files.
 */
public final class KafkaEnvironment {

    public static final String VARIABLE_PREFIX = "CAMEL_COMPONENT_KAFKA_";
    public static final String KEY_PREFIX = "camel.component.kafka.";
    private static final String CATALOG = "META-INF/org/apache/camel/component/kafka/kafka.json";

    private final Map<String, String> optionsByLetters;

    public KafkaEnvironment(Collection<String> optionNames) {
        Map<String, String> byLetters = new HashMap<>();
        optionNames.forEach(name -> byLetters.put(letters(name), name));
        this.optionsByLetters = Map.copyOf(byLetters);
    }

    /** The options the kafka component documents in its catalog entry (inside camel-kafka's jar). */
    public static KafkaEnvironment ofKafkaComponent() {
        try (InputStream in = KafkaEnvironment.class.getClassLoader().getResourceAsStream(CATALOG)) {
            if (in == null) {
                throw new IllegalStateException(CATALOG + " is missing from the classpath");
            }
            Set<String> names = new TreeSet<>();
            Iterator<String> fields = new ObjectMapper().readTree(in).path("componentProperties").fieldNames();
            fields.forEachRemaining(names::add);
            return new KafkaEnvironment(names);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CATALOG, e);
        }
    }

    /**
     * @param environment      the process's environment
     * @param systemProperties a {@code camel.component.kafka.*} property here wins over the variable
     * @return {@code camel.component.kafka.<option>} to the variable's value, for every variable
     * @throws SettingException naming the variables that match no option of the kafka component
     */
    public Map<String, String> properties(Map<String, String> environment, Properties systemProperties) {
        Set<String> given = new TreeSet<>();
        systemProperties.stringPropertyNames().stream().filter(key -> key.startsWith(KEY_PREFIX))
                .map(key -> letters(key.substring(KEY_PREFIX.length()))).forEach(given::add);
        Map<String, String> properties = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        environment.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith(VARIABLE_PREFIX)) {
                return;
            }
            String wanted = letters(upper.substring(VARIABLE_PREFIX.length()));
            String option = optionsByLetters.get(wanted);
            if (option == null) {
                unknown.add(upper);
            } else if (!given.contains(wanted)) {
                properties.put(KEY_PREFIX + option, value);
            }
        });
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw SettingException.withMessage(first, "environment "
                    + (unknown.size() == 1 ? "variable " : "variables ") + String.join(", ", unknown)
                    + ": not an option of Camel's kafka component (a typo? Kafka client properties that are not "
                    + "component options go under camel.component.kafka.additional-properties[…] in "
                    + "config/application.properties)");
        }
        return properties;
    }

    private static String letters(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
