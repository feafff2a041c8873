package cloud.acedata.dreamina.bridge.task;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PendingTaskTest {

    private static PendingTask withDue(String text) {
        return new PendingTask(null, new byte[0],
                Map.of(BridgeHeaders.PENDING_DUE, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The plain-digit reading gives what parsing the header as text gives, for every shape a header can have. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1764636000123|1764636000123",
            "0|0",
            "007|7",
            "' 42 '|42",
            "-5|-5",
            "+7|7",
            "123456789012345678|123456789012345678",
            "1234567890123456789|1234567890123456789",
            "99999999999999999999|0",
            "12a|0",
            "''|0",
            "٣٤|34"})
    void readsANumericHeaderAsParsingItsTextWould(String header, long expected) {
        assertEquals(expected, withDue(header).dueAtMillis());
    }

    @ParameterizedTest
    @CsvSource({"5,5", "123456789012345678,123456789012345678", "1234567890123456789,-1", "' 1',-1", "-1,-1",
            "'',-1", "1x,-1"})
    void plainDigitsAreOnlyShortRunsOfAsciiDigits(String text, long expected) {
        assertEquals(expected, PendingTask.plainDigits(text.getBytes(StandardCharsets.UTF_8)));
    }
}
