package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @Test
    void theMedianIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
        assertEquals(3.0, Stats.median(List.of(5.0, 1.0, 3.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(7.0, Stats.median(List.of(7.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
        assertTrue(Double.isNaN(Stats.median(List.of(1.0, Double.NaN, 2.0))), "a run without the figure");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(5L, 1L, 4L, 2L, 3L, 10L, 9L, 8L, 7L, 6L);
        assertEquals(5, Stats.percentile(values, 50));
        assertEquals(10, Stats.percentile(values, 99));
        assertEquals(10, Stats.percentile(values, 100));
        assertEquals(1, Stats.percentile(values, 1));
        assertEquals(-1, Stats.percentile(List.of(), 50));
    }

    @Test
    void busiestWindowCountsTheMostTimestampsWithinAnyWindow() {
        long second = 1_000_000_000L;
        // 3 within [0, 1 s), then 4 within [1.5 s, 2.4 s]: the busiest second holds 4.
        List<Long> arrivals = List.of(0L, second / 2, second - 1, 3 * second / 2, 18 * second / 10, 2 * second,
                24 * second / 10);
        assertEquals(4, Stats.busiestWindow(arrivals, second));
        assertEquals(7, Stats.busiestWindow(arrivals, 10 * second));
        assertEquals(0, Stats.busiestWindow(List.of(), second));
    }

    @Test
    void aTimestampExactlyOneWindowLaterStartsANewWindow() {
        long second = 1_000_000_000L;
        assertEquals(1, Stats.busiestWindow(List.of(0L, second, 2 * second), second));
    }

    @Test
    void ratioOfZeroIsNotANumber() {
        assertTrue(Double.isNaN(Stats.ratio(3, 0)));
        assertEquals(0.25, Stats.ratio(1, 4));
        assertEquals(0.333, Stats.round(1.0 / 3, 3));
        assertTrue(Double.isNaN(Stats.round(Double.NaN, 3)));
    }
}
