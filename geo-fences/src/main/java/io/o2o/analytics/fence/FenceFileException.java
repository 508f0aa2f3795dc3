package io.o2o.analytics.fence;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A fence file that cannot be used. The message always starts with the source, then the feature (its index in
 * {@code features}, counted from 0, and its id when it has one) and the problem, so an operator can fix the file
 * from the log line alone:
 * {@code sample-city.geojson: feature #3 (id 'sh-004'): polygon is not valid: Self-intersection at (121.47, 31.23)}.
 */
public class FenceFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int featureIndex;
    private final String featureId;
    private final String problem;

    /** A problem with the file as a whole (unreadable, malformed JSON, no stores). */
    public FenceFileException(String source, String problem) {
        this(source, -1, null, problem, null);
    }

    public FenceFileException(String source, String problem, Throwable cause) {
        this(source, -1, null, problem, cause);
    }

    /** A problem with one feature; {@code featureId} is null when the feature has no usable id. */
    public FenceFileException(String source, int featureIndex, String featureId, String problem) {
        this(source, featureIndex, featureId, problem, null);
    }

    private FenceFileException(String source, int featureIndex, String featureId, String problem, Throwable cause) {
        super(format(source, featureIndex, featureId, problem), cause);
        this.source = source;
        this.featureIndex = featureIndex;
        this.featureId = featureId;
        this.problem = problem;
    }

    private static String format(String source, int featureIndex, String featureId, String problem) {
        StringBuilder sb = new StringBuilder(source).append(": ");
        if (featureIndex >= 0) {
            sb.append("feature #").append(featureIndex);
            if (featureId != null) {
                sb.append(" (id '").append(featureId).append("')");
            }
            sb.append(": ");
        }
        return sb.append(problem).toString();
    }

    public String source() {
        return source;
    }

    /** Index of the offending feature in the {@code features} array, empty for file-level problems. */
    public OptionalInt featureIndex() {
        return featureIndex >= 0 ? OptionalInt.of(featureIndex) : OptionalInt.empty();
    }

    public Optional<String> featureId() {
        return Optional.ofNullable(featureId);
    }

    /** The problem alone, without source and feature. */
    public String problem() {
        return problem;
    }
}
