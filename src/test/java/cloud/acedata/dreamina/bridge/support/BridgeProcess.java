package cloud.acedata.dreamina.bridge.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static cloud.acedata.dreamina.bridge.support.Waiting.within;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built jar ({@code target/dreamina-bridge.jar}) as a process of its own, the way an operator runs it, so that
 * a test can give it environment variables, read its log, and stop it with SIGTERM or kill it with SIGKILL.
 */
public final class BridgeProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "dreamina-bridge.jar").toAbsolutePath();
    /** Every bridge process's log is kept here: evidence when a test fails, and read by the token canary check. */
    public static final Path LOGS = Path.of("target", "bridge-logs").toAbsolutePath();

    private final Process process;
    private final Path log;

    private BridgeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The environment of a bridge on the shared broker ({@link KafkaBroker}) and the given API, with the topics and
     * group of {@code topics}: what an operator sets, by environment variable (the twin of
     * {@link BridgeInstance#baseSettings}). A fresh, modifiable map; tests add theirs.
     */
    public static Map<String, String> connectedEnvironment(String apiBaseUrl, String token, TestTopics topics) {
        return connectedEnvironment(KafkaBroker.bootstrapServers(), apiBaseUrl, token, topics);
    }

    /** The same on another broker (one with TLS or SASL listeners, say). */
    public static Map<String, String> connectedEnvironment(String brokers, String apiBaseUrl, String token,
                                                           TestTopics topics) {
        Map<String, String> env = new HashMap<>();
        env.put("CAMEL_COMPONENT_KAFKA_BROKERS", brokers);
        env.put("DREAMINA_API_BASE_URL", apiBaseUrl);
        env.put("DREAMINA_API_TOKEN", token);
        env.put("DREAMINA_TOPIC_INPUT", topics.in());
        env.put("DREAMINA_TOPIC_OUTPUT", topics.out());
        env.put("DREAMINA_TOPIC_DEAD_LETTER", topics.dlq());
        env.put("DREAMINA_TOPIC_PENDING", topics.pending());
        env.put("DREAMINA_CONSUMER_GROUP", topics.group());
        return env;
    }

    /**
     * @param workDir where it runs (with or without routes/ and config/)
     * @param env     environment variables to set; the test JVM's CAMEL_ and DREAMINA_ variables are removed first
     */
    public static BridgeProcess start(Path workDir, Map<String, String> env, String... jvmOptions)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the tests with mvn verify (the jar is built "
                    + "in the package phase)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add(JAR.toString());
        Files.createDirectories(LOGS);
        Path log = Files.createTempFile(LOGS, "bridge-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // HOSTNAME too: every bridge of a test is an instance of its own unless the test gives it an instance id.
        builder.environment().keySet().removeIf(name -> name.startsWith("CAMEL_") || name.startsWith("DREAMINA_")
                || name.equals("HOSTNAME"));
        builder.environment().putAll(env);
        // Several bridges run at once: each takes a free management port unless the test names one.
        builder.environment().putIfAbsent("DREAMINA_MANAGEMENT_PORT", "0");
        return new BridgeProcess(builder.start(), log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the bridge's log " + log, e);
        }
    }

    public int count(Pattern pattern) {
        Matcher matcher = pattern.matcher(log());
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** Waits until the log holds {@code count} matches of the pattern. */
    public void awaitLog(Pattern pattern, int count, Duration deadline) {
        within(deadline)
                .untilAsserted(() -> assertTrue(count(pattern) >= count || !process.isAlive(),
                        () -> count + " x '" + pattern + "' in the bridge's log; it has:\n" + tail()));
        if (count(pattern) < count) {
            throw new AssertionError("The bridge exited (" + process.exitValue() + ") before logging '" + pattern
                    + "':\n" + tail());
        }
    }

    public void awaitStarted(Duration deadline) {
        awaitLog(Pattern.compile("Apache Camel .* started in"), 1, deadline);
    }

    /** SIGTERM; waits for the exit. @return the exit code */
    public int terminate(Duration deadline) throws InterruptedException {
        process.destroy();
        return waitForExit(deadline);
    }

    /** SIGKILL, as {@code kill -9}. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public int waitForExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The bridge did not exit within " + deadline + ":\n" + tail());
        }
        return process.exitValue();
    }

    public String tail() {
        String text = log();
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
