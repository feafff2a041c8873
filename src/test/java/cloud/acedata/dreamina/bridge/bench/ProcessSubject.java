package cloud.acedata.dreamina.bridge.bench;

import cloud.acedata.dreamina.bridge.support.BridgeProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge as the built jar, in a process of its own ({@link BridgeProcess}, {@code -Xmx512m}), run from the
 * working directory (its routes/ and config/): the broker and the API are given through the environment as an
 * operator gives them, every other setting of the benchmark as a {@code -D} system property.
 */
final class ProcessSubject implements Subject {

    private final BridgeProcess process;
    private final String group;

    private ProcessSubject(BridgeProcess process, String group) {
        this.process = process;
        this.group = group;
    }

    static ProcessSubject start(Map<String, String> settings, List<String> jvmOptions) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CAMEL_COMPONENT_KAFKA_BROKERS", settings.get("camel.component.kafka.brokers"));
        env.put("DREAMINA_API_TOKEN", settings.get("dreamina.api.token"));
        List<String> options = new ArrayList<>(jvmOptions);
        settings.forEach((key, value) -> {
            if (!key.equals("camel.component.kafka.brokers") && !key.equals("dreamina.api.token")) {
                options.add("-D" + key + "=" + value);
            }
        });
        BridgeProcess process = BridgeProcess.start(Path.of("").toAbsolutePath(), env, options.toArray(String[]::new));
        try {
            process.awaitStarted(Duration.ofSeconds(60));
        } catch (AssertionError | RuntimeException failed) {
            process.close();
            throw failed;
        }
        return new ProcessSubject(process, settings.get("dreamina.consumer.group"));
    }

    long pid() {
        return process.pid();
    }

    @Override
    public String kind() {
        return "bridge";
    }

    @Override
    public String inputGroup() {
        return group;
    }

    /** SIGTERM, as an operator stops it (a JFR recording started with the process is written then). */
    @Override
    public void close() throws Exception {
        try {
            process.terminate(Duration.ofSeconds(40));
        } finally {
            process.close();
        }
    }
}
