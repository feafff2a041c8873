package cloud.acedata.dreamina.bridge.api;

import java.util.ArrayList;
import java.util.List;

/** Records what the ApiGate tells its credential listener. */
final class RecordingListener implements ApiGate.CredentialListener {

    final List<String> rejected = new ArrayList<>();
    int accepted;

    @Override
    public void credentialRejected(String reason) {
        rejected.add(reason);
    }

    @Override
    public void credentialAccepted() {
        accepted++;
    }
}
