package cloud.acedata.dreamina.bridge.util;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON parsing limits of the bridge, in one place.
 *
 * <p>Jackson's defaults (nesting depth 1000, strings up to 20 M characters, documents of unlimited length) are
 * meant for trusted input. The bridge reads two kinds of JSON, and limits each to what it can legitimately be:
 * <ul>
 *   <li>{@link #inputMapper()}: Kafka record values, which are a task id or a small JSON object such as the
 *       generation endpoint's async answer {@code {"success":true,"task_id":"…","trace_id":"…",…}}.
 *       Anything over the limits is dead-lettered, never retried.</li>
 *   <li>{@link #apiMapper()}: answers of the Dreamina Tasks API ({@code retrieve}, {@code retrieve_batch}), whose
 *       task details carry URLs and the echoed creation request; generous limits, but bounded.</li>
 * </ul>
 * Both reject trailing content after the first value ({@code {"id":"a"} x}) and keep error messages short
 * (at most {@value #MAX_ERROR_TOKEN_LENGTH} characters of an offending token, no raw content), because a parse
 * error becomes a dead-letter header.
 *
 * <p>Each call returns a new mapper: build it once and keep it; a configured {@link ObjectMapper} is thread-safe.
 */
public final class JsonLimits {

    /** Input: nesting depth of a Kafka record value (the expected object has depth 1). */
    public static final int INPUT_MAX_NESTING_DEPTH = 16;
    /** Input: longest string value (an id is at most 128 characters). */
    public static final int INPUT_MAX_STRING_LENGTH = 4096;
    /** Input: longest document, equal to the byte limit checked before parsing (16 KiB). */
    public static final int INPUT_MAX_DOCUMENT_LENGTH = 16 * 1024;
    /** Input: longest number literal. */
    public static final int INPUT_MAX_NUMBER_LENGTH = 64;

    /** API answers: nesting depth. */
    public static final int API_MAX_NESTING_DEPTH = 64;
    /** API answers: longest string value (1 MiB). */
    public static final int API_MAX_STRING_LENGTH = 1024 * 1024;
    /** API answers: longest document (8 MiB), enough for a {@code retrieve_batch} answer. */
    public static final long API_MAX_DOCUMENT_LENGTH = 8L * 1024 * 1024;

    /** Longest excerpt of an offending token that Jackson quotes in an error message. */
    public static final int MAX_ERROR_TOKEN_LENGTH = 64;

    private JsonLimits() {
    }

    /**
     * A mapper for untrusted Kafka record values: depth {@value #INPUT_MAX_NESTING_DEPTH}, strings up to
     * {@value #INPUT_MAX_STRING_LENGTH} characters, documents up to {@value #INPUT_MAX_DOCUMENT_LENGTH},
     * numbers up to {@value #INPUT_MAX_NUMBER_LENGTH} digits, no trailing tokens, and duplicate keys rejected
     * (with {@code {"id":"a","id":"b"}} it would be unclear which task is meant).
     */
    public static ObjectMapper inputMapper() {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(INPUT_MAX_NESTING_DEPTH)
                .maxStringLength(INPUT_MAX_STRING_LENGTH)
                .maxDocumentLength(INPUT_MAX_DOCUMENT_LENGTH)
                .maxNumberLength(INPUT_MAX_NUMBER_LENGTH)
                .build();
        return JsonMapper.builder(factory(constraints))
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * A mapper for answers of the Tasks API: depth {@value #API_MAX_NESTING_DEPTH}, strings up to 1 MiB,
     * documents up to 8 MiB, no trailing tokens. Unknown properties are ignored when binding to classes: the
     * vendor documents more fields than the bridge reads and may add others.
     */
    public static ObjectMapper apiMapper() {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(API_MAX_NESTING_DEPTH)
                .maxStringLength(API_MAX_STRING_LENGTH)
                .maxDocumentLength(API_MAX_DOCUMENT_LENGTH)
                .build();
        return JsonMapper.builder(factory(constraints))
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static JsonFactory factory(StreamReadConstraints constraints) {
        return JsonFactory.builder()
                .streamReadConstraints(constraints)
                .errorReportConfiguration(ErrorReportConfiguration.builder()
                        .maxErrorTokenLength(MAX_ERROR_TOKEN_LENGTH)
                        .maxRawContentLength(0)
                        .build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }
}
