package cloud.acedata.dreamina.bridge.api;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a {@code Retry-After} header (RFC 9110, section 10.2.3): either delay-seconds, a non-negative integer,
 * or an HTTP-date in IMF-fixdate form ({@code Sun, 06 Nov 1994 08:49:37 GMT}).
 *
 * <p>The Tasks API does not document the header; the bridge honours it when present (capped, and raised to the
 * minimum backoff, by the caller: see {@link Backoff#retryDelay}). A date in the past means "now"
 * ({@link Duration#ZERO}); anything unreadable is ignored, so the caller falls back to its own backoff. That
 * includes the obsolete RFC 850 and asctime date forms, which servers must not send.
 */
public final class RetryAfter {

    private static final Pattern DELAY_SECONDS = Pattern.compile("[0-9]+");

    private RetryAfter() {
    }

    /**
     * @param headerValue the header's value, may be {@code null}
     * @param clock       the clock an HTTP-date is measured against
     * @return the delay to wait, or empty if the value is absent, blank, negative or unreadable
     */
    public static Optional<Duration> parse(String headerValue, Clock clock) {
        if (headerValue == null || headerValue.isBlank()) {
            return Optional.empty();
        }
        String value = headerValue.strip();
        if (DELAY_SECONDS.matcher(value).matches()) {
            return Optional.of(delaySeconds(value));
        }
        return httpDate(value, clock);
    }

    private static Duration delaySeconds(String digits) {
        try {
            return Duration.ofSeconds(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            // More digits than a long holds: "wait very long"; the caller's cap applies.
            return Duration.ofSeconds(Long.MAX_VALUE);
        }
    }

    private static Optional<Duration> httpDate(String value, Clock clock) {
        ZonedDateTime date;
        try {
            date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
        Duration untilDate = Duration.between(clock.instant(), date.toInstant());
        return Optional.of(untilDate.isNegative() ? Duration.ZERO : untilDate);
    }
}
