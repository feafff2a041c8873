package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.BridgeInstance;

import java.util.Map;

/** The bridge, built as the jar builds it ({@link BridgeInstance}), with the benchmark's settings. */
final class BridgeSubject implements Subject {

    private final BridgeInstance bridge;
    private final String group;

    private BridgeSubject(BridgeInstance bridge, String group) {
        this.bridge = bridge;
        this.group = group;
    }

    static BridgeSubject start(Map<String, String> settings) throws Exception {
        return new BridgeSubject(BridgeInstance.start(settings), settings.get("dreamina.consumer.group"));
    }

    @Override
    public String kind() {
        return "bridge";
    }

    @Override
    public String inputGroup() {
        return group;
    }

    @Override
    public void close() throws Exception {
        bridge.close();
    }
}
