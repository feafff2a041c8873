package cloud.acedata.dreamina.bridge.ops;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The files under ops/ (and the project's config/application.properties) as the tests read them. */
final class OpsFiles {

    private OpsFiles() {
    }

    /** Every document of a YAML file (a manifest may hold several). */
    static List<Map<String, Object>> yamlDocuments(String path) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(read(path))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    /** A YAML file of one document. */
    static Map<String, Object> yaml(String path) {
        return yamlDocuments(path).get(0);
    }

    static String read(String path) {
        try {
            return Files.readString(PrometheusTools.OPS.resolve(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** config/application.properties, the defaults the jar carries. */
    static Properties defaults() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return (List<Object>) node;
    }

    /** The node at a path of keys (maps) and indexes (lists). */
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            current = step instanceof Integer index ? list(current).get(index) : map(current).get(step);
            if (current == null) {
                throw new AssertionError("nothing at " + List.of(path) + " (stopped at " + step + ")");
            }
        }
        return current;
    }
}
