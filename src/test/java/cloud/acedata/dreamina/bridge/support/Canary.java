package cloud.acedata.dreamina.bridge.support;

/**
 * The API token every integration test gives the bridge. It is one fixed, unmistakable value so that
 * {@code TokenCanaryIT}, run last, can look for it in everything the suite logged.
 */
public final class Canary {

    public static final String TOKEN = "canary-7c1e0f3b9a5d-do-not-log";

    private Canary() {
    }
}
