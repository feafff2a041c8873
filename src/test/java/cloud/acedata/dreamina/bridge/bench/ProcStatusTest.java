package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatusTest {

    @Test
    void readsResidentAndPeakResidentMemoryInBytes() {
        ProcStatus status = ProcStatus.parse(List.of("Name:\tjava", "VmPeak:\t 5000000 kB", "VmHWM:\t  412340 kB",
                "VmRSS:\t  398000 kB", "Threads:\t120"));
        assertEquals(398_000L * 1024, status.rssBytes());
        assertEquals(412_340L * 1024, status.peakRssBytes());
    }

    @Test
    void missingFieldsReadAsZero() {
        assertEquals(new ProcStatus(0, 0), ProcStatus.parse(List.of("Name:\tjava")));
    }

    @Test
    void thisProcessHasAResidentSizeOnLinux() {
        if (Files.exists(Path.of("/proc/self/status"))) {
            ProcStatus status = ProcStatus.read();
            assertTrue(status.rssBytes() > 0);
            assertTrue(status.peakRssBytes() >= status.rssBytes());
        }
    }
}
