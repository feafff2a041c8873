package cloud.acedata.dreamina.bridge.support;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Records what the test JVM logs (through Log4j 2, which the bridge and Kafka's clients use) while it is open, so a
 * test can count log lines as evidence: a rebalance, a failed commit, a failed write. Attached to the root logger;
 * the levels of the loggers each test names are lowered to INFO while it is open and put back on close.
 * Keeps at most {@value #MAX_ENTRIES} entries.
 */
public final class LogRecorder implements AutoCloseable {

    /** One log event: its level, logger, thread and text (message, then every throwable of the chain). */
    public record Entry(String level, String logger, String thread, String text) {
        public boolean contains(String fragment) {
            return text.contains(fragment);
        }

        @Override
        public String toString() {
            return level + " [" + thread + "] " + logger + " - " + text;
        }
    }

    private static final int MAX_ENTRIES = 50_000;

    private final Queue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LoggerContext context;
    private final AbstractAppender appender;
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();

    private LogRecorder(String... infoLoggers) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        for (String name : infoLoggers) {
            previousLevels.put(name, configuration.getLoggerConfig(name).getLevel());
        }
        appender = new AbstractAppender("log-recorder-" + UUID.randomUUID(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                record(event);
            }
        };
        appender.start();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
        for (String name : infoLoggers) {
            Configurator.setLevel(name, Level.INFO);
        }
    }

    /**
     * Starts recording.
     *
     * @param infoLoggers loggers to hold at INFO while recording (e.g. Kafka's consumer coordinator, whose group
     *                    joins are logged at INFO while the tests' configuration keeps Kafka at WARN)
     */
    public static LogRecorder start(String... infoLoggers) {
        return new LogRecorder(infoLoggers);
    }

    private void record(LogEvent event) {
        if (size.get() >= MAX_ENTRIES) {
            return;
        }
        StringBuilder text = new StringBuilder(String.valueOf(event.getMessage().getFormattedMessage()));
        for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(" | ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        entries.add(new Entry(event.getLevel().name(), event.getLoggerName(), event.getThreadName(),
                text.toString()));
        size.incrementAndGet();
    }

    /** Every entry recorded so far, oldest first. */
    public List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    public List<Entry> matching(Predicate<Entry> filter) {
        return entries.stream().filter(filter).toList();
    }

    public List<Entry> containing(String fragment) {
        return matching(entry -> entry.contains(fragment));
    }

    public long count(Predicate<Entry> filter) {
        return entries.stream().filter(filter).count();
    }

    public long countContaining(String fragment) {
        return count(entry -> entry.contains(fragment));
    }

    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        configuration.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
        previousLevels.forEach(Configurator::setLevel);
    }
}
