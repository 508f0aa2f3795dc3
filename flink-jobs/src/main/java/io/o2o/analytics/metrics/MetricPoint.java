package io.o2o.analytics.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One InfluxDB point. Tags must be of bounded cardinality (store, zone, channel, topic, reason): never a
 * customer or device id. Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}.
 */
public record MetricPoint(
        String measurement, SortedMap<String, String> tags, SortedMap<String, Object> fields, long timestampMillis) {

    public MetricPoint {
        Objects.requireNonNull(measurement, "measurement");
        tags = new TreeMap<>(tags);
        fields = new TreeMap<>(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a point needs at least one field: " + measurement);
        }
    }

    public static MetricPoint of(String measurement, Map<String, String> tags, Map<String, Object> fields, long ts) {
        return new MetricPoint(measurement, new TreeMap<>(tags), new TreeMap<>(fields), ts);
    }

    /** InfluxDB line protocol with a millisecond timestamp. */
    public String toLineProtocol() {
        StringBuilder line = new StringBuilder(64);
        escape(line, measurement, ", ");
        tags.forEach((k, v) -> {
            line.append(',');
            escape(line, k, ",= ");
            line.append('=');
            escape(line, v, ",= ");
        });
        char separator = ' ';
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            line.append(separator);
            separator = ',';
            escape(line, field.getKey(), ",= ");
            line.append('=');
            appendFieldValue(line, field.getValue());
        }
        return line.append(' ').append(timestampMillis).toString();
    }

    private static void appendFieldValue(StringBuilder line, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            line.append(((Number) value).longValue()).append('i');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("InfluxDB cannot store a non-finite field value: " + d);
            }
            line.append(d);
        } else if (value instanceof Boolean) {
            line.append(value);
        } else {
            line.append('"').append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
    }

    private static void escape(StringBuilder out, String text, String specials) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (specials.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
    }
}
