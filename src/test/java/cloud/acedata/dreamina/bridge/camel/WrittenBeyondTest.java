package cloud.acedata.dreamina.bridge.camel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrittenBeyondTest {

    @Test
    void consecutiveRecordsMakeOneRangeWrittenRelativeToTheCommittedOffset() {
        WrittenBeyond written = new WrittenBeyond();
        written.add(104, 103);
        written.add(105, 104);
        written.add(108, 105); // 106 and 107 hold no record: the range spans them

        assertEquals("ingest-written:1-5", written.encode(103));
        WrittenBeyond read = WrittenBeyond.decode(103, "ingest-written:1-5");
        assertFalse(read.contains(103));
        assertTrue(read.contains(104));
        assertTrue(read.contains(108));
        assertFalse(read.contains(109));
    }

    @Test
    void aRecordAfterAHoldStartsANewRange() {
        WrittenBeyond written = new WrittenBeyond();
        written.add(11, 10);
        written.add(13, -1);

        assertEquals("ingest-written:1,3", written.encode(10));
        assertEquals("ingest-written:0", written.encode(13), "ranges behind the committed offset are dropped");
        assertEquals("", written.encode(14), "nothing beyond: no metadata");
    }

    @Test
    void skipFromMovesPastRangesThatStartThere() {
        WrittenBeyond written = WrittenBeyond.decode(10, "ingest-written:1-3,4-6,9");

        assertEquals(17, written.skipFrom(11), "two adjacent ranges");
        assertEquals(10, written.skipFrom(10), "no range starts at 10");
        assertEquals(20, written.skipFrom(19));
    }

    @Test
    void metadataThatIsNotTheBridgesNamesNothing() {
        assertTrue(WrittenBeyond.decode(5, null).isEmpty());
        assertTrue(WrittenBeyond.decode(5, "").isEmpty());
        assertTrue(WrittenBeyond.decode(5, "some other tool").isEmpty());
        assertTrue(WrittenBeyond.decode(5, "ingest-written:x-2").isEmpty());
    }

    @Test
    void aNewRangeBeyondTheLimitIsRefusedButARangeMayStillGrow() {
        WrittenBeyond written = new WrittenBeyond();
        for (int i = 0; i < WrittenBeyond.MAX_RANGES; i++) {
            assertTrue(written.add(100 + 2L * i, -1));
        }
        assertFalse(written.add(1_000, -1), "one range too many");
        assertFalse(written.contains(1_000));
        assertTrue(written.add(101 + 2L * (WrittenBeyond.MAX_RANGES - 1), 100 + 2L * (WrittenBeyond.MAX_RANGES - 1)),
                "extends the last range");
        assertTrue(written.encode(100).length() < 1_000, "far below offset.metadata.max.bytes");
    }
}
