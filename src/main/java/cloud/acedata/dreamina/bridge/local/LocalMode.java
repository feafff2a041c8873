package cloud.acedata.dreamina.bridge.local;

import cloud.acedata.dreamina.bridge.config.BridgeSettings;
import cloud.acedata.dreamina.bridge.config.SettingException;
import cloud.acedata.dreamina.bridge.config.SettingReader;
import cloud.acedata.dreamina.bridge.simulator.TasksApiSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Decides the mode before anything is configured. With neither {@code camel.component.kafka.brokers} nor
 * {@code dreamina.api.token} set, it starts an embedded Kafka broker and the Tasks API simulator, points the bridge
 * at them and, once the bridge runs, sends a few sample tasks, each published task printed on a line of its own
 * ({@code dreamina.log.task-done-level} INFO: local mode is there to show tasks flowing). A configured broker or
 * token never starts them; one without the other is a configuration error.
 */
public final class LocalMode extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);
    static final String BROKERS = "camel.component.kafka.brokers";
    static final String TOKEN = "dreamina.api.token";
    static final String TASK_DONE_LEVEL = "dreamina.log.task-done-level";

    /**
     * On SIGTERM, Camel's shutdown hook waits for the Camel context to stop, not for {@link #afterStop}: the JVM
     * would exit while the broker is still closing, leaving its data directory behind. A hook of our own holds
     * the exit until afterStop is done, at most this long (Camel's default stop timeouts plus the broker's).
     */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread shutdownHook;
    private CamelContext context;
    private EmbeddedKafka kafka;
    private TasksApiSimulator simulator;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        boolean broker = isSet(properties, BROKERS);
        boolean token = isSet(properties, TOKEN);
        if (broker && token) {
            LOG.info("\n==== dreamina-bridge: CONNECTED MODE — Kafka {} , Tasks API {} ====",
                    properties.resolveProperty(BROKERS).orElse(""),
                    new SettingReader(properties).text("dreamina.api.base-url"));
            return;
        }
        if (broker) {
            throw new SettingException(TOKEN, "A Kafka broker is configured but no API token: set "
                    + "DREAMINA_API_TOKEN (local mode runs only when neither is set)");
        }
        if (token) {
            throw new SettingException(BROKERS, "An API token is configured but no Kafka broker: set "
                    + "CAMEL_COMPONENT_KAFKA_BROKERS (local mode runs only when neither is set)");
        }
        String localToken = "local-" + UUID.randomUUID();
        context = main.getCamelContext();
        kafka = EmbeddedKafka.start();
        shutdownHook = new Thread(this::onExit, "local-mode-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        simulator = new TasksApiSimulator(localToken).start();
        properties.addOverrideProperty(BROKERS, kafka.bootstrapServers());
        properties.addOverrideProperty(TOKEN, localToken);
        properties.addOverrideProperty("dreamina.api.base-url", simulator.baseUrl());
        properties.addOverrideProperty(TASK_DONE_LEVEL, "INFO");
        LOG.info("\n==== dreamina-bridge: LOCAL MODE — embedded Kafka at {} and the Tasks API simulator at {} "
                + "(no broker and no token configured) ====", kafka.bootstrapServers(), simulator.baseUrl());
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        if (simulator == null) {
            return;
        }
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        SettingReader settings = new SettingReader(properties);
        int count = settings.intInRange("dreamina.local.sample-tasks", 0, BridgeSettings.MAX_SAMPLE_TASKS);
        String topic = settings.topic("dreamina.topic.input");
        SampleTasks.send(kafka.bootstrapServers(), topic, simulator, count);
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        try {
            closeLocalServices();
        } finally {
            stopped.countDown();
            removeShutdownHook();
        }
    }

    private synchronized void closeLocalServices() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /**
     * The JVM exits. While Camel runs or stops, its own hook stops the bridge and {@link #afterStop} closes the
     * broker: wait for that. When the start failed (a setting refused after the broker was started), Camel never
     * calls afterStop: close the broker here, at once.
     */
    private void onExit() {
        if (context.isStarting() || context.isStarted() || context.isStopping()) {
            try {
                if (!stopped.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Local mode did not stop its embedded broker within {} s; exiting anyway",
                            STOP_WAIT.toSeconds());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        closeLocalServices();
    }

    private void removeShutdownHook() {
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called during the JVM's shutdown: the hook is running and returns now that the latch is open.
        }
        shutdownHook = null;
    }

    private static boolean isSet(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(value -> !value.isEmpty()).isPresent();
    }
}
