package cloud.acedata.dreamina.bridge;

import cloud.acedata.dreamina.bridge.camel.BridgeConfiguration;
import cloud.acedata.dreamina.bridge.camel.PendingTopicCheck;
import cloud.acedata.dreamina.bridge.camel.RouteEditCheck;
import cloud.acedata.dreamina.bridge.camel.TransactionCheck;
import cloud.acedata.dreamina.bridge.kafka.KafkaEnvironmentListener;
import cloud.acedata.dreamina.bridge.local.LocalMode;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bridge: {@code java -jar dreamina-bridge.jar}, run from the directory that holds {@code routes/} and
 * {@code config/} (the copies inside the jar serve when they are absent).
 */
public final class DreaminaBridgeApplication {

    private DreaminaBridgeApplication() {
    }

    /**
     * Runs the bridge. A configuration error (a setting that cannot be used, an unknown key, a pending topic that
     * would lose tasks, a route edit that would bypass the exactly-once transaction) ends the process with exit code 2 and one line naming the key and its environment
     * variable; any other failure keeps its stack trace.
     */
    public static void main(String[] args) throws Exception {
        Main main = newMain();
        try {
            main.run(args);
        } catch (Exception e) {
            Optional<String> line = StartFailure.describe(e, StartFailure.suppliedCamelKeys(main));
            if (line.isEmpty()) {
                throw e;
            }
            LoggerFactory.getLogger(DreaminaBridgeApplication.class).error("Cannot start: {}", line.get());
            System.exit(StartFailure.EXIT_CODE);
        }
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
        // First: the CAMEL_COMPONENT_KAFKA_* variables, before local mode looks for a broker.
        main.addMainListener(new KafkaEnvironmentListener());
        main.addMainListener(new LocalMode());
        // Before the broker is asked anything: a route edit that would bypass the transaction (exactly-once).
        main.addMainListener(new RouteEditCheck());
        main.addMainListener(new PendingTopicCheck());
        main.addMainListener(new TransactionCheck());
        return main;
    }
}
