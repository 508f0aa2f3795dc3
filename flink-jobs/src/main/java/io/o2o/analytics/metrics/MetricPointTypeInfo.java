package io.o2o.analytics.metrics;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information of {@link MetricPoint}, found by Flink's type extraction through {@code @TypeInfo} on the record.
 * Without it, the record's {@code SortedMap} fields would be generic types, serialised by Kryo.
 */
public final class MetricPointTypeInfo extends TypeInformation<MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final MetricPointTypeInfo INSTANCE = new MetricPointTypeInfo();

    /** The factory {@code @TypeInfo} names. */
    public static final class Factory extends TypeInfoFactory<MetricPoint> {
        @Override
        public TypeInformation<MetricPoint> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<MetricPoint> getTypeClass() {
        return MetricPoint.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<MetricPoint> createSerializer(SerializerConfig config) {
        return MetricPointSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "MetricPoint";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MetricPointTypeInfo;
    }

    @Override
    public int hashCode() {
        return MetricPointTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof MetricPointTypeInfo;
    }
}
