package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the API refuses the credential, new input is left on the input topic (its lag grows, nothing is skipped):
 * the ingest route is stopped (gracefully: the batch in hand is written and committed first), and started again
 * once the API accepts the token. Stopped rather than suspended: with several consumers
 * ({@code dreamina.ingest.consumers}) a suspended camel-kafka route was seen to go on consuming.
 */
public final class IngestPause implements ApiGate.CredentialListener {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPause.class);

    private final CamelContext context;
    private final String routeId;

    public IngestPause(CamelContext context, String routeId) {
        this.context = context;
        this.routeId = routeId;
    }

    @Override
    public void credentialRejected(String reason) {
        try {
            context.getRouteController().stopRoute(routeId);
            LOG.warn("Route {} stopped until the API accepts the token", routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop route " + routeId, e);
        }
    }

    @Override
    public void credentialAccepted() {
        try {
            context.getRouteController().startRoute(routeId);
            LOG.info("Route {} started again", routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start route " + routeId, e);
        }
    }
}
