package cloud.acedata.dreamina.bridge.support;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.HashMap;
import java.util.Map;

/**
 * A one-node broker of Kafka's test kit (combined broker and controller) for the security tests, which need
 * listeners of their own: the settings that let one node stand alone, plus the test's.
 */
public final class SingleNodeKafkaCluster {

    private SingleNodeKafkaCluster() {
    }

    /**
     * @param protocol the client listener's protocol as the kit knows it (PLAINTEXT or SASL_PLAINTEXT; a test may
     *                 turn it into TLS with {@code listener.security.protocol.map}, which wins over the kit's own)
     * @param settings broker settings of the test
     */
    public static KafkaClusterTestKit start(SecurityProtocol protocol, Map<String, String> settings)
            throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(protocol)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        Map<String, String> config = new HashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.putAll(settings);
        config.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }
}
