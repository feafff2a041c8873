package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.api.ApiGate;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the API refuses the credential, new input is left on the input topic (its lag grows, nothing is skipped):
 * the ingest route is suspended, and resumed once the API accepts the token again.
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
            context.getRouteController().suspendRoute(routeId);
            LOG.warn("Route {} suspended until the API accepts the token", routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Could not suspend route " + routeId, e);
        }
    }

    @Override
    public void credentialAccepted() {
        try {
            context.getRouteController().resumeRoute(routeId);
            LOG.info("Route {} resumed", routeId);
        } catch (Exception e) {
            throw new IllegalStateException("Could not resume route " + routeId, e);
        }
    }
}
