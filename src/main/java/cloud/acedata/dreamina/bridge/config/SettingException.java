package cloud.acedata.dreamina.bridge.config;

import java.util.Locale;

/**
 * A setting that cannot be used. Its message is the one line an operator reads: the key, the environment variable
 * that sets it, and what is wrong — never the value of a secret.
 */
public final class SettingException extends IllegalArgumentException {

    private final String key;

    /**
     * @param key     the property key, e.g. {@code dreamina.poll.interval}
     * @param problem what is wrong with it, e.g. {@code must be longer than 0, not '0s'}
     */
    public SettingException(String key, String problem) {
        this(key, describe(key) + ": " + problem, null);
    }

    private SettingException(String key, String message, String ignored) {
        super(message);
        this.key = key;
    }

    /** A message that names several keys itself (for example every unknown key); {@code key} is the first. */
    public static SettingException withMessage(String key, String message) {
        return new SettingException(key, message, null);
    }

    public String key() {
        return key;
    }

    /** Camel's rule: upper case, dots and dashes (anything not a word character) to underscores. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("\\W", "_");
    }

    /** {@code key (environment variable KEY)}. */
    public static String describe(String key) {
        return key + " (environment variable " + environmentVariable(key) + ")";
    }
}
