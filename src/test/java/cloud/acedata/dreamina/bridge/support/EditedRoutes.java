package cloud.acedata.dreamina.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The project's {@code routes/} as an operator edits them: {@code publish-video}'s {@code kafka:} endpoint with
 * parameters added under its {@code uri}, as the YAML DSL writes them.
 */
public final class EditedRoutes {

    public static final Path ROUTES = Path.of("routes");
    public static final String PUBLISH_VIDEO = "publish-video.camel.yaml";
    private static final String OUTPUT_URI = "            uri: kafka:{{dreamina.topic.output}}\n";

    private EditedRoutes() {
    }

    /** publish-video's YAML with {@code parameters} on its kafka: endpoint. */
    public static String publishVideoWith(Map<String, String> parameters) {
        String yaml = read(ROUTES.resolve(PUBLISH_VIDEO));
        if (!yaml.contains(OUTPUT_URI)) {
            throw new IllegalStateException("publish-video no longer sends as this test expects:\n" + yaml);
        }
        String added = parameters.entrySet().stream()
                .map(p -> "              " + p.getKey() + ": \"" + p.getValue() + "\"\n")
                .collect(Collectors.joining("", "            parameters:\n", ""));
        return yaml.replace(OUTPUT_URI, OUTPUT_URI + added);
    }

    /** Copies every route of the project into {@code target}, publish-video as {@code publishVideoYaml}. */
    public static void copyWithPublishVideo(Path target, String publishVideoYaml) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> routes = Files.list(ROUTES)) {
            for (Path route : routes.toList()) {
                Files.copy(route, target.resolve(route.getFileName()));
            }
        }
        Files.writeString(target.resolve(PUBLISH_VIDEO), publishVideoYaml, StandardCharsets.UTF_8);
    }

    /** The project's route files by name. */
    public static Map<String, String> project() {
        try (Stream<Path> routes = Files.list(ROUTES)) {
            return routes.collect(Collectors.toMap(p -> p.getFileName().toString(), EditedRoutes::read));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
