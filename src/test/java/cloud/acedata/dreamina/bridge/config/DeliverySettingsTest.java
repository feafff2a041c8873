package cloud.acedata.dreamina.bridge.config;

import cloud.acedata.dreamina.bridge.support.OnlySettings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliverySettingsTest {

    private static DefaultCamelContext context;

    @BeforeAll
    static void startContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stopContext() {
        context.stop();
    }

    private static DeliverySettings read(Map<String, String> values, Map<String, String> environment) {
        Properties properties = OnlySettings.defaults();
        properties.putAll(values);
        return OnlySettings.readExactly(context, properties, p -> DeliverySettings.from(p, environment));
    }

    @Test
    void exactlyOnceEvery100msWithATenSecondTransactionTimeoutByDefault() {
        DeliverySettings s = read(Map.of(), Map.of("HOSTNAME", "bridge-7f9c"));

        assertEquals(DeliverySettings.Guarantee.EXACTLY_ONCE, s.guarantee());
        assertTrue(s.exactlyOnce());
        assertEquals(Duration.ofMillis(100), s.commitInterval());
        assertEquals(Duration.ofSeconds(10), s.transactionTimeout());
        assertEquals("bridge-7f9c", s.instanceId(), "a pod's name when no instance id is set");
        assertEquals("dreamina-bridge.bridge-7f9c.pending", s.transactionalId("pending"));
        assertTrue(s.transactionalId("ingest-2").startsWith(s.transactionalIdPrefix()), "one ACL prefix for all");
    }

    @Test
    void atLeastOnceInAnyLetterCase() {
        assertEquals(DeliverySettings.Guarantee.AT_LEAST_ONCE,
                read(Map.of("dreamina.delivery.guarantee", " At-Least-Once "), Map.of()).guarantee());
    }

    @Test
    void anInstanceIdGivenWinsOverTheHostName() {
        assertEquals("slot-3", read(Map.of("dreamina.instance.id", "slot-3"), Map.of("HOSTNAME", "h")).instanceId());
    }

    @Test
    void withNeitherEachStartHasARandomNameOfItsOwn() {
        String first = read(Map.of(), Map.of()).instanceId();
        String second = read(Map.of(), Map.of()).instanceId();
        assertTrue(first.startsWith("random-"), first);
        assertNotEquals(first, second, "two live instances never share transactional ids");
    }

    @Test
    void anUnknownGuaranteeIsOneLineNamingTheKey() {
        SettingException e = assertThrows(SettingException.class,
                () -> read(Map.of("dreamina.delivery.guarantee", "exactly_once_v2"), Map.of()));
        assertEquals("dreamina.delivery.guarantee", e.key());
        assertTrue(e.getMessage().contains("exactly-once or at-least-once"), e.getMessage());
    }

    @Test
    void aCommitIntervalTheTransactionWouldOutliveIsRefused() {
        SettingException e = assertThrows(SettingException.class, () -> read(Map.of(
                "dreamina.delivery.commit-interval", "6s", "dreamina.delivery.transaction-timeout", "10s"), Map.of()));
        assertEquals("dreamina.delivery.commit-interval", e.key());
    }

    @Test
    void zeroAndOutOfRangeDurationsAreRefused() {
        assertEquals("dreamina.delivery.commit-interval", assertThrows(SettingException.class,
                () -> read(Map.of("dreamina.delivery.commit-interval", "0"), Map.of())).key());
        assertEquals("dreamina.delivery.transaction-timeout", assertThrows(SettingException.class,
                () -> read(Map.of("dreamina.delivery.transaction-timeout", "500ms"), Map.of())).key());
        assertEquals("dreamina.delivery.transaction-timeout", assertThrows(SettingException.class,
                () -> read(Map.of("dreamina.delivery.transaction-timeout", "1h"), Map.of())).key());
    }

    @Test
    void anInstanceIdThatCannotBeATransactionalIdIsRefused() {
        SettingException e = assertThrows(SettingException.class,
                () -> read(Map.of("dreamina.instance.id", "pod 1/*"), Map.of()));
        assertEquals("dreamina.instance.id", e.key());
    }
}
