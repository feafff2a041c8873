package cloud.acedata.dreamina.bridge.camel;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.http.HttpComponent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * At start, confirms that camel-http took the HTTP client options of {@code config/application.properties}
 * ({@code camel.component.http.*} and {@code camel.component.https.*}): the timeouts of
 * {@code dreamina.api.connect-timeout} and {@code dreamina.api.read-timeout}, and HttpClient's own retries off.
 *
 * <p>Camel reads those options with its own duration rules: a value the bridge's settings accept, such as ISO-8601
 * {@code PT30S}, reaches camel-http as 0, which means no timeout at all, and a hanging API would then hold a poll
 * forever. A start that fails with the key to fix is better.
 */
public final class HttpClientCheck implements StartupListener {

    private static final List<String> SCHEMES = List.of("http", "https");

    private final BridgeSettings settings;

    public HttpClientCheck(BridgeSettings settings) {
        this.settings = settings;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        List<String> problems = new ArrayList<>();
        for (String scheme : SCHEMES) {
            problems.addAll(problems(scheme, context.getComponent(scheme, HttpComponent.class), settings));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The HTTP client is not configured as the bridge needs: "
                    + String.join("; ", problems));
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Checked before the routes start (onCamelContextStarting).
    }

    /** What differs between one camel-http component and the settings; empty when nothing does. */
    public static List<String> problems(String scheme, HttpComponent http, BridgeSettings settings) {
        List<String> problems = new ArrayList<>();
        String prefix = "camel.component." + scheme + ".";
        expect(problems, prefix + "connect-timeout", http.getConnectTimeout(), "dreamina.api.connect-timeout",
                settings.connectTimeout());
        expect(problems, prefix + "connection-request-timeout", http.getConnectionRequestTimeout(),
                "dreamina.api.read-timeout", settings.readTimeout());
        expect(problems, prefix + "response-timeout", http.getResponseTimeout(), "dreamina.api.read-timeout",
                settings.readTimeout());
        expect(problems, prefix + "so-timeout", http.getSoTimeout(), "dreamina.api.read-timeout",
                settings.readTimeout());
        if (!http.isAutomaticRetriesDisabled()) {
            problems.add(prefix + "automatic-retries-disabled must be true (the bridge backs off itself)");
        }
        return problems;
    }

    private static void expect(List<String> problems, String option, long actualMillis, String setting,
                               Duration expected) {
        if (actualMillis != expected.toMillis()) {
            problems.add(option + " is " + actualMillis + " ms but " + setting + " is " + expected.toMillis()
                    + " ms (write durations as 500ms, 5s or 2m)");
        }
    }
}
