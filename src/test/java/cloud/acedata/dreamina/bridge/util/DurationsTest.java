package cloud.acedata.dreamina.bridge.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {

    @Test
    void units() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void bareNumberIsMilliseconds() {
        assertEquals(Duration.ofMillis(1500), Durations.parse("1500"));
    }

    @Test
    void iso8601() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("PT5S"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
    }

    @Test
    void whitespaceIsTrimmed() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("  5s\t"));
        assertEquals(Duration.ofSeconds(5), Durations.parse(" PT5S "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "s", "5 s", "5sec", "5S", "1.5s", "-5s", "5w", "ten", "PT", "P5", "5ms5"})
    void anythingElseIsRefusedNamingTheValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void negativeIsoIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT-5S"));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void outOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("9223372036854775807d"));
    }

    @Test
    void nullIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
