package cloud.acedata.dreamina.bridge.util;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration from configuration: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 1d}, a bare
 * number of milliseconds ({@code 1500}), or ISO-8601 ({@code PT5S}). Surrounding whitespace is ignored; units are
 * lower case; negative durations are refused. Anything else is an {@link IllegalArgumentException} that names the
 * value.
 */
public final class Durations {

    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("([0-9]+)(ms|s|m|h|d)?");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration is missing");
        }
        String value = text.strip();
        Duration duration = value.startsWith("P") || value.startsWith("p") ? iso(text, value) : withUnit(text, value);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: '" + text + "'");
        }
        return duration;
    }

    private static Duration iso(String text, String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(text, e);
        }
    }

    private static Duration withUnit(String text, String value) {
        Matcher matcher = AMOUNT_AND_UNIT.matcher(value);
        if (!matcher.matches()) {
            throw invalid(text, null);
        }
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        try {
            long amount = Long.parseLong(matcher.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalStateException("unit " + unit);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
        }
    }

    private static IllegalArgumentException invalid(String text, Exception cause) {
        return new IllegalArgumentException("not a duration: '" + text
                + "' (expected e.g. 500ms, 5s, 10m, 2h, 1d, a number of milliseconds, or PT5S)", cause);
    }
}
