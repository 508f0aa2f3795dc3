package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class MetricPointSerializerTest {

    private static final MetricPointSerializer SERIALIZER = MetricPointSerializer.INSTANCE;

    private static MetricPoint everyKindOfField() {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("visits", 42L);
        fields.put("small", 7);
        fields.put("dwell_p50_s", 123.25);
        fields.put("ratio", 0.5f);
        fields.put("open", true);
        fields.put("note", "a \"quoted\", spaced=value");
        return MetricPoint.of("store_traffic", Map.of("store", "sh-001", "zone", "a b,c=d"), fields, 1_767_225_600_000L);
    }

    private static MetricPoint roundTrip(MetricPoint point) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(point, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        MetricPoint back = SERIALIZER.deserialize(in);
        assertThat(in.available()).isZero();
        return back;
    }

    @Test
    void aPointComesBackEqualWithTheSameValueTypesAndLine() throws Exception {
        MetricPoint point = everyKindOfField();
        MetricPoint back = roundTrip(point);
        assertThat(back).isEqualTo(point);
        point.fields().forEach((key, value) -> assertThat(back.fields().get(key)).as(key).isInstanceOf(value.getClass()));
        assertThat(back.toLineProtocol()).isEqualTo(point.toLineProtocol());
    }

    @Test
    void aPointWithoutTagsComesBack() throws Exception {
        MetricPoint point = MetricPoint.of("pipeline_health", Map.of(), Map.of("received", 3L), 0L);
        assertThat(roundTrip(point)).isEqualTo(point);
    }

    @Test
    void copyingThroughViewsGivesTheSameBytes() throws Exception {
        DataOutputSerializer first = new DataOutputSerializer(64);
        SERIALIZER.serialize(everyKindOfField(), first);
        DataOutputSerializer second = new DataOutputSerializer(64);
        SERIALIZER.copy(new DataInputDeserializer(first.getCopyOfBuffer()), second);
        assertThat(second.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
    }

    @Test
    void aCopyIsEqualAndIndependent() {
        MetricPoint point = everyKindOfField();
        MetricPoint copy = SERIALIZER.copy(point);
        assertThat(copy).isEqualTo(point);
        copy.tags().put("extra", "x");
        assertThat(point.tags()).doesNotContainKey("extra");
    }

    @Test
    void aFieldOfAnotherTypeIsRefusedByName() {
        MetricPoint point = MetricPoint.of("odd", Map.of(), Map.of("when", new java.util.Date(0)), 0L);
        assertThatThrownBy(() -> SERIALIZER.serialize(point, new DataOutputSerializer(16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Field when of odd is a java.util.Date");
    }

    @Test
    void itsSnapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<MetricPoint> snapshot = SERIALIZER.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<MetricPoint> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializer<MetricPoint> restoredSerializer = restored.restoreSerializer();
        assertThat(restoredSerializer).isSameAs(SERIALIZER);
        TypeSerializerSchemaCompatibility<MetricPoint> compatibility =
                SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }
}
