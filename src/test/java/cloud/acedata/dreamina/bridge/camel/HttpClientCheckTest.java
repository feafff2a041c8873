package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.support.OnlySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP client options are written once, in {@code config/application.properties}, as
 * {@code camel.component.http(s).*} placeholders of the {@code dreamina.api.*} timeouts: these tests start a Camel
 * main on that file (no routes, no broker) and read what camel-http took.
 */
class HttpClientCheckTest {

    @Test
    void theDefaultsOfThePropertiesFileReachBothHttpComponents() throws Exception {
        withMain(Map.of(), context -> {
            for (String scheme : List.of("http", "https")) {
                HttpComponent http = context.getComponent(scheme, HttpComponent.class);
                assertEquals(5_000, http.getConnectTimeout(), scheme);
                assertEquals(30_000, http.getConnectionRequestTimeout(), scheme);
                assertEquals(30_000, http.getResponseTimeout(), scheme);
                assertEquals(30_000, http.getSoTimeout(), scheme);
                assertTrue(http.isAutomaticRetriesDisabled(), scheme);
            }
        });
    }

    @Test
    void theDreaminaTimeoutsDriveTheHttpClient() throws Exception {
        withMain(Map.of("dreamina.api.connect-timeout", "750ms", "dreamina.api.read-timeout", "2m"), context -> {
            for (String scheme : List.of("http", "https")) {
                HttpComponent http = context.getComponent(scheme, HttpComponent.class);
                assertEquals(750, http.getConnectTimeout(), scheme);
                assertEquals(120_000, http.getResponseTimeout(), scheme);
                assertEquals(120_000, http.getSoTimeout(), scheme);
            }
        });
    }

    @Test
    void aTimeoutCamelReadsAsZeroFailsTheStartNamingTheKey() {
        // The bridge's settings accept ISO-8601; camel-http would take PT2S as 0, i.e. no timeout at all.
        Exception e = assertThrows(Exception.class,
                () -> withMain(Map.of("dreamina.api.read-timeout", "PT2S"), context -> { }));

        String message = rootCause(e).getMessage();
        assertTrue(message.startsWith("The HTTP client is not configured as the bridge needs"), message);
        assertTrue(message.contains("camel.component.http.response-timeout is 0 ms but dreamina.api.read-timeout "
                + "is 2000 ms"), message);
        assertTrue(message.contains("camel.component.https.so-timeout"), message);
    }

    @Test
    void problemsNamesEachOptionThatDiffers() throws Exception {
        HttpComponent http = new HttpComponent();
        http.setConnectTimeout(5_000);
        http.setConnectionRequestTimeout(30_000);
        http.setResponseTimeout(30_000);
        http.setSoTimeout(1);
        http.setAutomaticRetriesDisabled(false);

        List<String> problems = HttpClientCheck.problems("https", http, settings());

        assertEquals(List.of(
                "camel.component.https.so-timeout is 1 ms but dreamina.api.read-timeout is 30000 ms "
                        + "(write durations as 500ms, 5s or 2m)",
                "camel.component.https.automatic-retries-disabled must be true (the bridge backs off itself)"),
                problems);
    }

    @Test
    void noProblemWhenTheComponentMatchesTheSettings() throws Exception {
        HttpComponent http = new HttpComponent();
        http.setConnectTimeout(5_000);
        http.setConnectionRequestTimeout(30_000);
        http.setResponseTimeout(30_000);
        http.setSoTimeout(30_000);
        http.setAutomaticRetriesDisabled(true);

        assertEquals(List.of(), HttpClientCheck.problems("http", http, settings()));
    }

    /** The defaults of config/application.properties: connect 5 s, read 30 s. */
    private static BridgeSettings settings() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            return OnlySettings.of(context, Map.of());
        }
    }

    private interface ContextCheck {
        void accept(CamelContext context) throws Exception;
    }

    /** A Camel main on the project's properties file, no routes, the check attached as the bridge attaches it. */
    private static void withMain(Map<String, String> overrides, ContextCheck check) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:config/application.properties");
        overrides.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport support) {
                CamelContext context = support.getCamelContext();
                try {
                    context.addStartupListener(
                            new HttpClientCheck(BridgeSettings.from(context.getPropertiesComponent())));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        main.start();
        try {
            check.accept(main.getCamelContext());
        } finally {
            main.stop();
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
