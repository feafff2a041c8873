package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.support.BridgeProcess;
import cloud.acedata.dreamina.bridge.support.Canary;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After the whole integration suite: the canary token every test gave the bridge appears in no log line — neither
 * in the test JVM's output (in-process bridges, logging through the bridge's own layout) nor in the logs of the
 * jar processes, one of which ran with DEBUG everywhere, HttpClient's wire and header logs included. (Records and
 * headers are checked by the tests that wrote them.)
 */
@Order(Integer.MAX_VALUE)
class TokenCanaryIT {

    private static final List<Path> LOG_DIRECTORIES = List.of(
            Path.of("target", "surefire-reports"), Path.of("target", "failsafe-reports"), BridgeProcess.LOGS,
            Path.of("target", "crash-logs"));

    @Test
    @DisplayName("12 canary token")
    void theTokenAppearsInNoLogOfTheSuite() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (Path directory : LOG_DIRECTORIES) {
            if (Files.isDirectory(directory)) {
                try (Stream<Path> files = Files.list(directory)) {
                    files.filter(file -> file.toString().endsWith(".txt") || file.toString().endsWith(".log"))
                            .forEach(logs::add);
                }
            }
        }
        assertTrue(logs.size() >= 3, "the suite's logs are there to be read: " + logs);
        long maskedBearers = 0;
        List<String> leaks = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (text.contains(Canary.TOKEN)) {
                text.lines().filter(line -> line.contains(Canary.TOKEN)).limit(3)
                        .forEach(line -> leaks.add(log.getFileName() + ": " + line));
            }
            maskedBearers += text.split("Bearer \\*\\*\\*\\*", -1).length - 1;
        }
        assertTrue(leaks.isEmpty(), "the token leaked into logs: " + leaks);
        assertTrue(maskedBearers > 0, "a DEBUG run logged the Authorization header (masked), so the check means "
                + "something");
    }
}
