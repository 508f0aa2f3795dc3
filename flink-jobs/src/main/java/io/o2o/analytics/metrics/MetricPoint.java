package io.o2o.analytics.metrics;

import io.o2o.analytics.influx.LineProtocol;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One InfluxDB point. Tags must be of bounded cardinality (store, zone, channel, topic, reason): never a
 * customer or device id. Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}.
 *
 * <p>Serialised by {@link MetricPointSerializer} (the {@code SortedMap} fields would otherwise fall back to Kryo).
 */
@TypeInfo(MetricPointTypeInfo.Factory.class)
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
        return LineProtocol.append(new StringBuilder(64), measurement, tags, fields, timestampMillis).toString();
    }
}
