package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionTimesTest {

    @Test
    void timesSpreadBetween20And120SecondsAroundAMedianOf50() {
        CompletionTimes times = new CompletionTimes(1, 1.0);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Duration next = times.next();
            assertTrue(next.compareTo(Duration.ofSeconds(20)) >= 0 && next.compareTo(Duration.ofSeconds(120)) <= 0,
                    next.toString());
            millis.add(next.toMillis());
        }
        long median = Stats.percentile(millis, 50);
        assertTrue(median > 45_000 && median < 55_000, "median " + median);
        assertTrue(Stats.percentile(millis, 99) > 100_000, "a tail towards two minutes");
    }

    @Test
    void theFactorScalesEveryTimeAndTheSeedRepeatsThem() {
        CompletionTimes real = new CompletionTimes(7, 1.0);
        CompletionTimes scaled = new CompletionTimes(7, 0.2);
        for (int i = 0; i < 100; i++) {
            assertEquals(real.next().toNanos() / 5.0, scaled.next().toNanos(), 2.0);
        }
    }

    @Test
    void theFactorMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new CompletionTimes(1, 0));
    }
}
