package cloud.acedata.dreamina.bridge.config;

import cloud.acedata.dreamina.bridge.util.Durations;
import org.apache.camel.spi.PropertiesComponent;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one {@code dreamina.*} setting with Camel's rules (properties files, then environment variables such as
 * {@code DREAMINA_POLL_INTERVAL}, then system properties) and refuses a value that cannot be used with a
 * {@link SettingException} that names the key and its environment variable. Every reader of a setting goes
 * through here, so a bad value stops the start instead of breaking something silently (a read timeout of 0 is
 * "wait forever" to HttpClient, a cadence of 0 a hot loop).
 *
 * <p>No default is written here: each one is written once, in {@code config/application.properties}, which the
 * jar carries and always loads. A key that no source sets is therefore an error, not a silent fallback.
 */
public final class SettingReader {

    /** The longest duration any setting takes: longer ones overflow millisecond arithmetic or mean a typo. */
    public static final Duration LONGEST = Duration.ofDays(365);
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final PropertiesComponent properties;

    public SettingReader(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The value as given, trimmed; a key no source sets is refused. */
    public String text(String key) {
        return optional(key).orElseThrow(() -> new SettingException(key,
                "is not set: its default belongs in config/application.properties (was the key removed there?)"));
    }

    /** The value as given, trimmed, if any source sets it: only for keys that have no default (the API token). */
    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim);
    }

    /** Not blank. */
    public String nonBlank(String key) {
        String value = text(key);
        if (value.isEmpty()) {
            throw new SettingException(key, "must not be empty");
        }
        return value;
    }

    /** A Kafka topic name: 1 to 249 of {@code a-z A-Z 0-9 . _ -}, neither {@code .} nor {@code ..}. */
    public String topic(String key) {
        String value = text(key);
        if (!TOPIC.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new SettingException(key, "must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -), not '"
                    + value + "'");
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}. */
    public int intInRange(String key, int min, int max) {
        String value = text(key);
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SettingException(key, "must be a whole number from " + min + " to " + max + ", not '"
                    + value + "'");
        }
        if (number < min || number > max) {
            throw new SettingException(key, "must be from " + min + " to " + max + ", not " + number);
        }
        return number;
    }

    /** A share, from 0 (0 = off) to below 1. */
    public double fraction(String key) {
        String value = text(key);
        try {
            double fraction = Double.parseDouble(value);
            if (fraction >= 0 && fraction < 1) {
                return fraction;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SettingException(key, "must be a fraction from 0 (off) to below 1, not '" + value + "'");
    }

    /** A whole number of at least 1. */
    public int positiveInt(String key) {
        return intInRange(key, 1, Integer.MAX_VALUE);
    }

    /** A duration above zero (and at most {@link #LONGEST}). */
    public Duration positiveDuration(String key) {
        Duration value = duration(key);
        if (value.isZero()) {
            throw new SettingException(key, "must be longer than 0, not '" + text(key) + "'");
        }
        return value;
    }

    /** A duration of zero or more, where 0 means "off" (and at most {@link #LONGEST}). */
    public Duration durationOrOff(String key) {
        return duration(key);
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host, and no user info, query, fragment or trailing
     * {@code /} (the bridge appends {@code /dreamina/tasks}).
     */
    public String httpUrl(String key) {
        String value = text(key);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new SettingException(key, "is not a URL (" + e.getReason() + " at character " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String problem = null;
        if (!scheme.equals("http") && !scheme.equals("https")) {
            problem = "must be an absolute http:// or https:// URL";
        } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
            problem = "must name a host";
        } else if (uri.getRawUserInfo() != null) {
            problem = "must not carry user information (give the token in DREAMINA_API_TOKEN)";
        } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problem = "must not have a query or a fragment";
        } else if (value.endsWith("/")) {
            problem = "must not end with '/' (the bridge appends /dreamina/tasks)";
        }
        if (problem != null) {
            // The value is not repeated when it may hold a password.
            throw new SettingException(key, problem + (uri.getRawUserInfo() != null ? "" : ", not '" + value + "'"));
        }
        return value;
    }

    private Duration duration(String key) {
        String value = text(key);
        Duration duration;
        try {
            duration = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SettingException(key, e.getMessage());
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw new SettingException(key, "must be at most 365d, not '" + value + "'");
        }
        return duration;
    }
}
