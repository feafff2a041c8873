package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * While the API refuses the credential, new input is left on the input topic (its lag grows, nothing is skipped):
 * the ingest route is stopped (gracefully: the batch in hand is written and committed first), and started again
 * once the API accepts the token. Stopped rather than suspended: with several consumers
 * ({@code dreamina.ingest.consumers}) a suspended camel-kafka route was seen to go on consuming.
 *
 * <p>A start that fails is tried again every {@code retryInterval} until it succeeds (or the token is refused
 * again): after the last pending task finished there may be no further API answer to trigger a retry, and a
 * stopped ingest route with nothing pending would otherwise stay stopped for good.
 */
public final class IngestPause implements ApiGate.CredentialListener {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPause.class);

    private final CamelContext context;
    private final String routeId;
    private final Duration retryInterval;
    private ScheduledExecutorService retries;
    private ScheduledFuture<?> retry;

    public IngestPause(CamelContext context, String routeId, Duration retryInterval) {
        this.context = context;
        this.routeId = routeId;
        this.retryInterval = retryInterval;
    }

    @Override
    public synchronized void credentialRejected(String reason) {
        cancelRetry();
        try {
            context.getRouteController().stopRoute(routeId);
            LOG.warn("Route {} stopped until the API accepts the token", routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop route " + routeId, e);
        }
    }

    @Override
    public synchronized void credentialAccepted() {
        cancelRetry();
        if (!start()) {
            scheduleRetry();
        }
    }

    /** @return whether the route runs */
    private boolean start() {
        try {
            context.getRouteController().startRoute(routeId);
            LOG.info("Route {} started again", routeId);
            return true;
        } catch (Exception e) {
            LOG.warn("Could not start route {} again ({}); trying again in {} ms", routeId, e.toString(),
                    retryInterval.toMillis());
            return false;
        }
    }

    private void scheduleRetry() {
        if (retries == null) {
            retries = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "IngestResume");
        }
        retry = retries.scheduleWithFixedDelay(this::retryStart, retryInterval.toMillis(), retryInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private synchronized void retryStart() {
        if (retry != null && start()) {
            cancelRetry();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }
}
