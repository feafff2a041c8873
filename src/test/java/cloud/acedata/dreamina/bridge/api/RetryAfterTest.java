package cloud.acedata.dreamina.bridge.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("1994-11-06T08:49:37Z"), ZoneOffset.UTC);

    @Test
    void delaySeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", CLOCK));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("0", CLOCK));
        assertEquals(Optional.of(Duration.ofSeconds(5)), RetryAfter.parse("  5 ", CLOCK));
    }

    @Test
    void hugeDelaySecondsMeansVeryLong() {
        assertEquals(Optional.of(Duration.ofSeconds(Long.MAX_VALUE)),
                RetryAfter.parse("99999999999999999999999", CLOCK));
    }

    @Test
    void httpDateInTheFuture() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse("Sun, 06 Nov 1994 08:51:07 GMT", CLOCK));
    }

    @Test
    void httpDateNow() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", CLOCK));
    }

    @Test
    void httpDateInThePastIsZero() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Sat, 05 Nov 1994 08:49:37 GMT", CLOCK));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "-1", "+5", "1.5", "5s", "soon", "abc123",
            "Sun, 06 Nov 1994 08:49", "Sunday, 06-Nov-94 08:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT",
            "2024-01-01T00:00:00Z"})
    void garbageIsIgnored(String value) {
        assertEquals(Optional.empty(), RetryAfter.parse(value, CLOCK));
    }
}
