package cloud.acedata.dreamina.bridge.camel;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrittenAheadTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @Test
    void remembersWrittenOffsetsPerPartition() {
        WrittenAhead written = new WrittenAhead();
        written.add(P0, 12);
        written.add(P0, 14);

        assertTrue(written.contains(P0, 12));
        assertTrue(written.contains(P0, 14));
        assertFalse(written.contains(P0, 13));
        assertFalse(written.contains(P1, 12));
    }

    @Test
    void forgetsWhatACommitHasPassedAndKeepsWhatIsStillAhead() {
        WrittenAhead written = new WrittenAhead();
        written.add(P0, 12);
        written.add(P0, 14);
        written.add(P1, 3);

        written.committed(Map.of(P0, new OffsetAndMetadata(13)));

        assertFalse(written.contains(P0, 12));
        assertTrue(written.contains(P0, 14));
        assertTrue(written.contains(P1, 3), "another partition is untouched");
        assertEquals(2, written.size());

        written.committed(Map.of(P0, new OffsetAndMetadata(15), P1, new OffsetAndMetadata(4)));
        assertEquals(0, written.size());
    }
}
