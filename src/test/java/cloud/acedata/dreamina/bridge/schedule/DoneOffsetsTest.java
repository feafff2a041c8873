package cloud.acedata.dreamina.bridge.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoneOffsetsTest {

    @Test
    void runsAreWrittenRelativeToTheCommittedOffsetInBase36AndReadBack() {
        String metadata = DoneOffsets.encode(1_000, List.of(1_001L, 1_002L, 1_003L, 1_005L, 1_040L, 1_041L));
        assertEquals("d1:1-3,5,14-15", metadata);
        assertEquals(Set.of(1_001L, 1_002L, 1_003L, 1_005L, 1_040L, 1_041L), DoneOffsets.decode(1_000, metadata));
    }

    @Test
    void nothingDoneBeyondTheCommitIsNoMetadata() {
        assertEquals("", DoneOffsets.encode(7, List.of()));
        assertEquals("", DoneOffsets.encode(7, List.of(3L, 7L)), "at or below the committed offset: nothing to say");
        assertTrue(DoneOffsets.decode(7, "").isEmpty());
    }

    @Test
    void whatDoesNotFitIsLeftOutFromTheEndNeverCut() {
        // Every other offset done: one run each, far more than fits.
        List<Long> done = LongStream.range(1, 20_000).map(i -> 2 * i).boxed().toList();
        String metadata = DoneOffsets.encode(0, done);
        assertTrue(metadata.length() <= DoneOffsets.MAX_CHARS, "length " + metadata.length());
        Set<Long> back = DoneOffsets.decode(0, metadata);
        assertEquals(new TreeSet<>(done.subList(0, back.size())), back, "a prefix of what was done, each whole");
        assertTrue(back.size() > 500, "most of the room used: " + back.size());
    }

    /** Another tool's metadata, an offset reset's, or a forged one: nothing is taken as done. */
    @ParameterizedTest
    @ValueSource(strings = {"some other tool", "d1:", "d1:0", "d1:5-2", "d1:zz-", "d1:1,,2", "d1:-3", "d1:1-zzzzzz"})
    void metadataThisClassDidNotWriteSaysNothingIsDone(String metadata) {
        assertEquals(Set.of(), DoneOffsets.decode(100, metadata));
    }

    @Test
    void aCommitBeforeAnyRecordSaysNothingIsDone() {
        assertEquals(Set.of(), DoneOffsets.decode(-1, "d1:1-3"));
    }

    /** Under exactly-once their outcomes are in the transaction: leaving one out would publish it twice after a crash. */
    @Test
    void underExactlyOnceWhatDoesNotFitIsAnOverflowNeverLeftOut() {
        List<Long> done = LongStream.range(1, 20_000).map(i -> 2 * i).boxed().toList();
        DoneOffsets.Overflow overflow = org.junit.jupiter.api.Assertions.assertThrows(DoneOffsets.Overflow.class,
                () -> DoneOffsets.encode(0, done, true));
        assertTrue(overflow.getMessage().contains("19999 records"), overflow.getMessage());
        List<Long> few = List.of(2L, 3L, 4L, 9L);
        assertEquals(DoneOffsets.encode(0, few), DoneOffsets.encode(0, few, true), "what fits is the same");
    }
}
