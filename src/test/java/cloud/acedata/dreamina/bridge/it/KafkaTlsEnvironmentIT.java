package cloud.acedata.dreamina.bridge.it;

import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import cloud.acedata.dreamina.bridge.support.Canary;
import cloud.acedata.dreamina.bridge.support.EnvironmentOnlySecurity;
import cloud.acedata.dreamina.bridge.support.SelfSignedStores;
import cloud.acedata.dreamina.bridge.support.SingleNodeKafkaCluster;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;


/**
 * A broker whose only client listener is TLS, with a certificate {@code keytool} makes here; the jar, configured
 * through environment variables alone (as a Kubernetes Secret gives them), must speak TLS from every client:
 * the admin that creates the pending topic, the input consumers, the producers, the pending-topic consumer.
 * Before {@code KafkaEnvironment}, camel-main ignored {@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL} and the
 * truststore variables, and the bridge spoke plaintext to the TLS port until it gave up.
 */
class KafkaTlsEnvironmentIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PASSWORD = "test-store-secret";
    @TempDir
    static Path stores;
    private static SelfSignedStores tls;
    private static KafkaClusterTestKit cluster;
    private static TasksApiSimulator api;

    @BeforeAll
    static void startTlsBroker() throws Exception {
        tls = SelfSignedStores.create(stores, PASSWORD);
        Map<String, String> config = new HashMap<>();
        // The kit builds PLAINTEXT listeners only; its own settings give way to these: the client listener is TLS.
        config.put("listener.security.protocol.map", "EXTERNAL:SSL,CONTROLLER:PLAINTEXT");
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keystore().toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, PASSWORD);
        config.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, PASSWORD);
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        cluster = SingleNodeKafkaCluster.start(SecurityProtocol.PLAINTEXT, config);
        api = new TasksApiSimulator(Canary.TOKEN).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void tlsGivenOnlyAsEnvironmentVariablesReachesEveryClientAndTasksFlow(@TempDir Path workDir) throws Exception {
        EnvironmentOnlySecurity.assertTasksFlow(cluster.bootstrapServers(), clientSecurity(), Map.of(
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SSL",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", tls.truststore().toString(),
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD", PASSWORD,
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"), api, workDir, "tls-env");
    }

    private static Map<String, Object> clientSecurity() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return config;
    }
}
