package io.o2o.analytics.metrics;

import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Explicit format of a {@link MetricPoint} between operators (no Kryo): the measurement, the number of tags and
 * each tag as key and value, the number of fields and each field as key, a type byte and the value, then the
 * timestamp. Field values are the types {@link io.o2o.analytics.influx.LineProtocol} writes ({@link Long},
 * {@link Integer}, {@link Double}, {@link Float}, {@link Boolean}, {@link String}); a value of another type is
 * refused with its class named rather than silently changed.
 *
 * <p>Points travel only between operators: no state of the job holds them (the InfluxDB sink keeps lines, see
 * {@code PendingPointsSerializer}), so the format may change without breaking a savepoint. The snapshot is there
 * because Flink requires one for every serializer.
 */
public final class MetricPointSerializer extends TypeSerializerSingleton<MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final MetricPointSerializer INSTANCE = new MetricPointSerializer();

    private static final byte LONG = 0;
    private static final byte INTEGER = 1;
    private static final byte DOUBLE = 2;
    private static final byte FLOAT = 3;
    private static final byte BOOLEAN = 4;
    private static final byte STRING = 5;
    private static final byte NULL = 6;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public MetricPoint createInstance() {
        return null;
    }

    @Override
    public MetricPoint copy(MetricPoint from) {
        // The constructor copies both maps; their keys and values are immutable.
        return new MetricPoint(from.measurement(), from.tags(), from.fields(), from.timestampMillis());
    }

    @Override
    public MetricPoint copy(MetricPoint from, MetricPoint reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MetricPoint point, DataOutputView target) throws IOException {
        StringValue.writeString(point.measurement(), target);
        target.writeInt(point.tags().size());
        for (Map.Entry<String, String> tag : point.tags().entrySet()) {
            StringValue.writeString(tag.getKey(), target);
            StringValue.writeString(tag.getValue(), target);
        }
        target.writeInt(point.fields().size());
        for (Map.Entry<String, Object> field : point.fields().entrySet()) {
            StringValue.writeString(field.getKey(), target);
            writeValue(point.measurement(), field.getKey(), field.getValue(), target);
        }
        target.writeLong(point.timestampMillis());
    }

    private static void writeValue(String measurement, String key, Object value, DataOutputView target)
            throws IOException {
        if (value instanceof Long l) {
            target.writeByte(LONG);
            target.writeLong(l);
        } else if (value instanceof Integer i) {
            target.writeByte(INTEGER);
            target.writeInt(i);
        } else if (value instanceof Double d) {
            target.writeByte(DOUBLE);
            target.writeDouble(d);
        } else if (value instanceof Float f) {
            target.writeByte(FLOAT);
            target.writeFloat(f);
        } else if (value instanceof Boolean b) {
            target.writeByte(BOOLEAN);
            target.writeBoolean(b);
        } else if (value instanceof String s) {
            target.writeByte(STRING);
            StringValue.writeString(s, target);
        } else if (value == null) {
            target.writeByte(NULL);
        } else {
            throw new IllegalArgumentException("Field " + key + " of " + measurement + " is a "
                    + value.getClass().getName() + "; a point's field values are Long, Integer, Double, Float, "
                    + "Boolean or String");
        }
    }

    @Override
    public MetricPoint deserialize(DataInputView source) throws IOException {
        String measurement = StringValue.readString(source);
        int tagCount = source.readInt();
        SortedMap<String, String> tags = new TreeMap<>();
        for (int i = 0; i < tagCount; i++) {
            tags.put(StringValue.readString(source), StringValue.readString(source));
        }
        int fieldCount = source.readInt();
        SortedMap<String, Object> fields = new TreeMap<>();
        for (int i = 0; i < fieldCount; i++) {
            String key = StringValue.readString(source);
            fields.put(key, readValue(source));
        }
        return new MetricPoint(measurement, tags, fields, source.readLong());
    }

    private static Object readValue(DataInputView source) throws IOException {
        byte type = source.readByte();
        return switch (type) {
            case LONG -> source.readLong();
            case INTEGER -> source.readInt();
            case DOUBLE -> source.readDouble();
            case FLOAT -> source.readFloat();
            case BOOLEAN -> source.readBoolean();
            case STRING -> StringValue.readString(source);
            case NULL -> null;
            default -> throw new IOException("Unknown type " + type + " of a metric point's field value");
        };
    }

    @Override
    public MetricPoint deserialize(MetricPoint reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<MetricPoint> snapshotConfiguration() {
        return new MetricPointSerializerSnapshot();
    }

    /** Snapshot of the (single) format; restored by its no-argument constructor. */
    public static final class MetricPointSerializerSnapshot extends SimpleTypeSerializerSnapshot<MetricPoint> {
        public MetricPointSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
