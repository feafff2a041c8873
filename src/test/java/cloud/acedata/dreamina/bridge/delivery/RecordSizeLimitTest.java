package cloud.acedata.dreamina.bridge.delivery;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSizeLimitTest {

    @Test
    void theSizeCountsKeyValueHeadersAndTheBatchAroundThem() {
        int bare = RecordSizeLimit.sizeOf(null, null, new Header[0]);
        int full = RecordSizeLimit.sizeOf(new byte[10], new byte[100],
                new Header[]{new RecordHeader("h", "abc".getBytes(StandardCharsets.UTF_8))});
        assertTrue(bare >= 61, "a batch header at least: " + bare);
        assertTrue(full >= bare + 10 + 100 + 1 + 3, "every byte counted: " + full);
    }

    @Test
    void aHeaderNameCountsItsUtf8Bytes() {
        int unnamed = RecordSizeLimit.sizeOf(null, null, new Header[]{new RecordHeader("", new byte[0])});
        for (String name : new String[]{"", "dreamina.task.id", "caf\u00e9", "\u2014\ud83c\udfac x"}) {
            int named = RecordSizeLimit.sizeOf(null, null, new Header[]{new RecordHeader(name, new byte[0])});
            assertEquals(name.getBytes(StandardCharsets.UTF_8).length, named - unnamed, name);
        }
    }

    @Test
    void aRecordAboveMaxRequestSizeDoesNotFit() {
        RecordSizeLimit limit = new RecordSizeLimit(1_000);
        assertTrue(limit.fits("t", 1_000));
        assertFalse(limit.fits("t", 1_001));
        assertTrue(limit.why("t", 1_001).contains("max.request.size is 1000"), limit.why("t", 1_001));
    }

    @Test
    void aTopicsRefusalIsLearnedForThatTopicOnly() {
        RecordSizeLimit limit = new RecordSizeLimit(1_000_000);
        limit.refused("small", 5_000);
        assertFalse(limit.fits("small", 5_000), "the same record again: refused before it is sent");
        assertFalse(limit.fits("small", 6_000));
        assertTrue(limit.fits("small", 4_999));
        assertTrue(limit.fits("other", 500_000));
        limit.refused("small", 8_000);
        assertFalse(limit.fits("small", 5_000), "a later, larger refusal does not raise the limit");
        assertTrue(limit.why("small", 6_000).contains("max.message.bytes"), limit.why("small", 6_000));
    }
}
