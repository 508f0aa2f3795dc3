package io.o2o.analytics.influx;

import java.util.Map;

/**
 * InfluxDB line protocol, one point per line, with a millisecond timestamp:
 * {@code measurement,tag=value field=1i,other=2.5 1772849703000}. The job's metric points and the Flink metric
 * reporter both write through it, so the two cannot disagree on escaping or field types.
 *
 * <p>Field values: {@link Long} and {@link Integer} are integers ({@code 5i}), {@link Double} and {@link Float}
 * floats (finite only: InfluxDB stores neither NaN nor infinities), {@link Boolean} booleans, anything else a
 * string. Tags with an empty value are left out: line protocol cannot express them.
 */
public final class LineProtocol {
    private LineProtocol() {}

    /** Appends one point, without a line break. */
    public static StringBuilder append(StringBuilder line, String measurement, Map<String, String> tags,
            Map<String, ?> fields, long timestampMillis) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a point needs at least one field: " + measurement);
        }
        escape(line, measurement, ", ");
        tags.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                line.append(',');
                escape(line, k, ",= ");
                line.append('=');
                escape(line, v, ",= ");
            }
        });
        char separator = ' ';
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            line.append(separator);
            separator = ',';
            escape(line, field.getKey(), ",= ");
            line.append('=');
            appendFieldValue(line, field.getValue());
        }
        return line.append(' ').append(timestampMillis);
    }

    /** True for the values a field can hold: anything but null and non-finite floating-point numbers. */
    public static boolean isStorable(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return Double.isFinite(((Number) value).doubleValue());
        }
        return value != null;
    }

    private static void appendFieldValue(StringBuilder line, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            line.append(((Number) value).longValue()).append('i');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
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
