package cloud.acedata.dreamina.bridge;

import cloud.acedata.dreamina.bridge.camel.BridgeConfiguration;
import cloud.acedata.dreamina.bridge.local.LocalMode;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bridge: {@code java -jar dreamina-bridge.jar}, run from the directory that holds {@code routes/} and
 * {@code config/} (the copies inside the jar serve when they are absent).
 */
public final class DreaminaBridgeApplication {

    private DreaminaBridgeApplication() {
    }

    public static void main(String[] args) throws Exception {
        newMain().run(args);
    }

    /** A configured, not yet started Camel main; tests add override properties to it. */
    public static Main newMain() {
        // No main class, and camel.main.base-package-scan-enabled=false: the configuration is added here, once (a
        // package scan would add it a second time, and start a second scheduler).
        Main main = new Main();
        // The defaults inside the jar, then the operator's file: a key in config/ wins over the jar's.
        main.setPropertyPlaceholderLocations(
                "classpath:application.properties;optional=true,file:config/application.properties;optional=true");
        main.configure().withRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                ? "file:routes/*.camel.yaml"
                : "classpath:routes/*.camel.yaml");
        main.configure().addConfiguration(BridgeConfiguration.class);
        main.addMainListener(new LocalMode());
        return main;
    }
}
