package cloud.acedata.dreamina.bridge.kafka;

import cloud.acedata.dreamina.bridge.config.SettingException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaEnvironmentTest {

    private final KafkaEnvironment kafka = KafkaEnvironment.ofKafkaComponent();

    @Test
    void everySecurityVariableBecomesItsComponentOption() {
        Map<String, String> properties = kafka.properties(Map.of(
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", "jaas line",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "CAMEL_COMPONENT_KAFKA_SSL_ENDPOINT_ALGORITHM", "",
                "CAMEL_COMPONENT_KAFKA_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "DREAMINA_API_TOKEN", "not kafka's",
                "PATH", "/bin"), new Properties());
        assertEquals(Map.of(
                "camel.component.kafka.securityProtocol", "SASL_SSL",
                "camel.component.kafka.saslMechanism", "SCRAM-SHA-512",
                "camel.component.kafka.saslJaasConfig", "jaas line",
                "camel.component.kafka.sslTruststoreLocation", "/etc/kafka/truststore.p12",
                "camel.component.kafka.sslTruststorePassword", "changeit",
                "camel.component.kafka.sslTruststoreType", "PKCS12",
                "camel.component.kafka.sslEndpointAlgorithm", "",
                "camel.component.kafka.schemaRegistryURL", "http://registry:8081"), properties);
    }

    @Test
    void aSystemPropertyForTheSameOptionWinsOverTheVariable() {
        Properties system = new Properties();
        system.setProperty("camel.component.kafka.security-protocol", "SSL");
        assertEquals(Map.of("camel.component.kafka.brokers", "kafka:9093"), kafka.properties(Map.of(
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
                "CAMEL_COMPONENT_KAFKA_BROKERS", "kafka:9093"), system));
    }

    @Test
    void aVariableThatIsNoOptionStopsTheStartNamingIt() {
        SettingException refused = assertThrows(SettingException.class, () -> kafka.properties(Map.of(
                "CAMEL_COMPONENT_KAFKA_SSL_TRUST_STORE_LOCATON", "/etc/kafka/truststore.p12",
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SSL"), new Properties()));
        assertTrue(refused.getMessage().contains("CAMEL_COMPONENT_KAFKA_SSL_TRUST_STORE_LOCATON"), refused.getMessage());
        assertTrue(refused.getMessage().contains("not an option of Camel's kafka component"), refused.getMessage());
        assertEquals(1, refused.getMessage().lines().count());
    }
}
