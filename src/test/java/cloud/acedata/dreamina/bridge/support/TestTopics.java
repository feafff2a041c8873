package cloud.acedata.dreamina.bridge.support;

/**
 * The topics and consumer groups of one test, all named from one unique prefix, so that tests sharing a broker
 * never see each other's records.
 */
public record TestTopics(String prefix) {

    public static TestTopics unique(String name) {
        return new TestTopics(KafkaTestClient.uniqueName(name));
    }

    public String in() {
        return prefix + ".in";
    }

    public String out() {
        return prefix + ".out";
    }

    public String dlq() {
        return prefix + ".dlq";
    }

    public String pending() {
        return prefix + ".pending";
    }

    public String group() {
        return prefix + ".group";
    }

    /** The bridge names the pending topic's group after the input's (BridgeSettings.pendingConsumerGroup). */
    public String pendingGroup() {
        return group() + ".pending";
    }
}
