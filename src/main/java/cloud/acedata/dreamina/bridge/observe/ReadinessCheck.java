package cloud.acedata.dreamina.bridge.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check that counts for readiness only ({@code /observe/health/ready}): something the instance waits for (a
 * broker, the API, its partitions), whose absence is no reason to restart it.
 */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("dreamina", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }

    @Override
    public final boolean isReadiness() {
        return true;
    }
}
