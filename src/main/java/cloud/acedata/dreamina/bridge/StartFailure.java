package cloud.acedata.dreamina.bridge;

import cloud.acedata.dreamina.bridge.config.SettingException;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.main.Main;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed start into the one line an operator needs when the cause is the configuration: the key, its
 * environment variable, and what is wrong — never a value (a Camel option may hold a password). Recognised:
 * <ul>
 *   <li>the bridge's own {@link SettingException} (a {@code dreamina.*} value, an unknown key, the pending
 *       topic);</li>
 *   <li>Camel's fail-fast auto-configuration of a {@code camel.*} key it does not know or cannot use (a
 *       {@link PropertyBindingException}, or the {@link IllegalArgumentException}s it throws for an unknown
 *       component or a nested option).</li>
 * </ul>
 * Anything else is not a configuration error and keeps its stack trace.
 */
final class StartFailure {

    /** Exit code of a configuration error (1 is the JVM's for an uncaught exception). */
    static final int EXIT_CODE = 2;

    private static final Pattern CONFIGURING = Pattern.compile("Error configuring property: (camel\\.[\\w.-]+)");
    private static final Pattern BINDING = Pattern.compile("when binding property: ([\\w.-]+)");
    private static final Pattern CAMEL_CASE = Pattern.compile("([a-z0-9])([A-Z])");

    private StartFailure() {
    }

    /**
     * @param failure           what the start threw
     * @param suppliedCamelKeys the {@code camel.*} keys the operator gave, to name a key as it was written
     * @return the line, or empty when the failure is not a configuration error
     */
    static Optional<String> describe(Throwable failure, Collection<String> suppliedCamelKeys) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SettingException setting) {
                return Optional.of(setting.getMessage());
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PropertyBindingException binding && binding.getOptionPrefix() != null
                    && binding.getOptionKey() != null) {
                String key = join(binding.getOptionPrefix(), binding.getOptionKey());
                return Optional.of(camelLine(written(key, suppliedCamelKeys), binding));
            }
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            Matcher configuring = CONFIGURING.matcher(message);
            if (cause instanceof IllegalArgumentException && configuring.find()) {
                return Optional.of(camelLine(written(configuring.group(1), suppliedCamelKeys), cause));
            }
            Matcher binding = BINDING.matcher(message);
            if (cause instanceof IllegalArgumentException && binding.find()) {
                Optional<String> key = endingWith(binding.group(1), suppliedCamelKeys);
                if (key.isPresent()) {
                    return Optional.of(camelLine(key.get(), cause));
                }
            }
        }
        return Optional.empty();
    }

    /** The {@code camel.*} keys of the properties files, system properties and environment variables. */
    static List<String> suppliedCamelKeys(Main main) {
        List<String> keys = new ArrayList<>();
        CamelContext context = main.getCamelContext();
        if (context != null) {
            keys.addAll(context.getPropertiesComponent().loadProperties(key -> key.startsWith("camel."))
                    .stringPropertyNames());
        }
        keys.addAll(suppliedCamelKeys(System.getProperties(), System.getenv()));
        return keys;
    }

    static List<String> suppliedCamelKeys(Properties systemProperties, Map<String, String> environment) {
        List<String> keys = new ArrayList<>();
        systemProperties.stringPropertyNames().stream().filter(key -> key.startsWith("camel.")).forEach(keys::add);
        // Camel main reads CAMEL_MAIN_FOO_BAR as camel.main.foo.bar.
        environment.keySet().stream().map(name -> name.toUpperCase(Locale.ROOT)).filter(n -> n.startsWith("CAMEL_"))
                .map(name -> name.toLowerCase(Locale.ROOT).replace('_', '.')).forEach(keys::add);
        return keys;
    }

    private static String camelLine(String key, Throwable cause) {
        Throwable root = rootCause(cause);
        // A binding that failed for want of the option has no deeper cause; a value of the wrong type has one.
        boolean unknown = !(cause instanceof PropertyBindingException) || root instanceof PropertyBindingException;
        return SettingException.describe(key) + ": Camel " + (unknown
                ? "has no such option (a typo, or a component that is not in the jar?)"
                : "cannot use its value (" + root.getClass().getSimpleName() + ")");
    }

    /** The key as the operator wrote it, when one of theirs is the same option; else Camel's, in kebab case. */
    private static String written(String camelKey, Collection<String> supplied) {
        String wanted = normalized(camelKey);
        return supplied.stream().filter(key -> normalized(key).equals(wanted)).findFirst()
                .orElse(CAMEL_CASE.matcher(camelKey).replaceAll("$1-$2").toLowerCase(Locale.ROOT));
    }

    private static Optional<String> endingWith(String property, Collection<String> supplied) {
        String wanted = normalized(property);
        return supplied.stream().filter(key -> normalized(key).endsWith(wanted)).findFirst();
    }

    private static String normalized(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String join(String prefix, String key) {
        return prefix.endsWith(".") ? prefix + key : prefix + "." + key;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
