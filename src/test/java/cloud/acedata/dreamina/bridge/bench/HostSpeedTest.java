package cloud.acedata.dreamina.bridge.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HostSpeedTest {

    @Test
    void theReferenceJobCostsAMeasurableAndFiniteCpuTime() {
        double millis = HostSpeed.referenceMillis();
        // Hundreds of thousands of map entries and a sort: never free, and never a minute on a machine that runs
        // the suite.
        assertTrue(millis > 1 && millis < 60_000, () -> "reference job CPU ms: " + millis);
    }
}
