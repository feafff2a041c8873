package cloud.acedata.dreamina.bridge.camel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingTopicPolicyTest {

    private static final Duration MAX_WAIT = Duration.ofMinutes(15);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "delete         | 604800000",
            "delete         | -1",
            "delete         | 900000",
            "DELETE         | 86400000",
    })
    void usable(String cleanupPolicy, long retentionMs) {
        assertEquals(Optional.empty(), PendingTopicPolicy.problem("p", cleanupPolicy, retentionMs, MAX_WAIT));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "compact        | -1",
            "compact,delete | 604800000",
            "delete,compact | 604800000",
            " Compact       | -1",
    })
    void compactedIsRefused(String cleanupPolicy, long retentionMs) {
        String problem = PendingTopicPolicy.problem("p", cleanupPolicy, retentionMs, MAX_WAIT).orElseThrow();
        assertTrue(problem.contains("is compacted"), problem);
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "60000", "899999"})
    void retentionBelowMaxWaitIsRefused(long retentionMs) {
        String problem = PendingTopicPolicy.problem("p", "delete", retentionMs, MAX_WAIT).orElseThrow();
        assertTrue(problem.contains("keeps records for " + retentionMs + " ms"), problem);
        assertTrue(problem.contains("less than dreamina.poll.max-wait (900000 ms)"), problem);
    }
}
