package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.metrics.MetricPointTypeInfo;
import io.o2o.analytics.testing.TestHashKeys;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.UdfStreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * No type of the job falls back to Kryo (issue #17): every stream's records, every key, and every state type
 * its functions name by class ({@code TypeInformation.of(bucketType)} and the like) has a POJO or explicit
 * serializer. A type counts as Kryo when Flink refuses to build its serializer with generic types disabled,
 * which is what the job's configuration sets. State descriptors that name their class literally are first used
 * at runtime; the pipeline tests run with generic types disabled and catch those.
 */
class NoKryoInJobTest {

    private static final String HASH_KEY = "hash-key-for-the-no-kryo-test-0123456789";

    private static JobSetup setup(String source) {
        Configuration options = CommandLine.parse(new String[] {
            "--source", source, "--kafka.bootstrap-servers", "127.0.0.1:9",
            "--simulator.customers", "20", "--simulator.duration", "1h", "--state.backend", "rocksdb"});
        return JobSetup.of(TestHashKeys.withKeyFile(options, HASH_KEY), Map.of());
    }

    private static SerializerConfigImpl noGenericTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return config;
    }

    /** The type, if Flink would serialise it (or a part of it) with Kryo. */
    private static boolean usesKryo(TypeInformation<?> type) {
        try {
            type.createSerializer(noGenericTypes());
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    private static StreamExecutionEnvironment built(JobSetup setup) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(setup.flinkConfiguration());
        setup.job().build(env);
        return env;
    }

    @Test
    void theJobRefusesGenericTypes() {
        assertThat(setup("simulator").flinkConfiguration().get(PipelineOptions.GENERIC_TYPES)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"simulator", "kafka"})
    void noStreamOrKeyOfTheJobIsAGenericType(String source) {
        StreamExecutionEnvironment env = built(setup(source));
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            all.addAll(sink.getTransitivePredecessors());
        }
        List<String> kryo = new ArrayList<>();
        for (Transformation<?> t : all) {
            if (usesKryo(t.getOutputType())) {
                kryo.add(t.getName() + " emits " + t.getOutputType());
            }
            TypeInformation<?> key = t instanceof OneInputTransformation<?, ?> one ? one.getStateKeyType()
                    : t instanceof TwoInputTransformation<?, ?, ?> two ? two.getStateKeyType() : null;
            if (key != null && usesKryo(key)) {
                kryo.add(t.getName() + " is keyed by " + key);
            }
        }
        assertThat(all).hasSizeGreaterThan(50);
        assertThat(kryo).isEmpty();
        // With generic types disabled, building the graph creates every stream's serializer, and would fail.
        assertThat(env.getStreamGraph().getStreamNodes()).isNotEmpty();
    }

    @Test
    void theStateTypesTheFunctionsNameByClassAreNotGenericTypes() throws Exception {
        StreamGraph graph = built(setup("simulator")).getStreamGraph();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        List<String> stateTypes = new ArrayList<>();
        List<String> kryo = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getOperatorFactory() instanceof UdfStreamOperatorFactory<?> udf) {
                collectTypes(node.getOperatorName(), udf.getUserFunction(), 0, seen, stateTypes, kryo);
            }
        }
        // The per-period buckets of every metrics aggregator, among them HealthBucket (issue #17).
        assertThat(stateTypes).anyMatch(type -> type.contains("HealthBucket")).hasSizeGreaterThan(5);
        assertThat(kryo).isEmpty();
    }

    /** The classes and type informations held by the job's own objects, down to a few levels. */
    private static void collectTypes(String operator, Object holder, int depth, Map<Object, Boolean> seen,
            List<String> stateTypes, List<String> kryo) throws IllegalAccessException {
        if (holder == null || depth > 3 || seen.put(holder, true) != null
                || !holder.getClass().getName().startsWith("io.o2o.analytics.")) {
            return;
        }
        for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(holder);
                TypeInformation<?> type = value instanceof Class<?> cls && !cls.isInterface()
                        ? TypeInformation.of(cls)
                        : value instanceof TypeInformation<?> info ? info : null;
                if (type != null) {
                    stateTypes.add(operator + ": " + type);
                    if (usesKryo(type)) {
                        kryo.add(operator + " keeps " + type);
                    }
                } else {
                    collectTypes(operator, value, depth + 1, seen, stateTypes, kryo);
                }
            }
        }
    }

    @Test
    void aMetricPointHasItsOwnTypeInformation() {
        assertThat(TypeInformation.of(MetricPoint.class)).isEqualTo(MetricPointTypeInfo.INSTANCE);
        assertThat(usesKryo(TypeInformation.of(MetricPoint.class))).isFalse();
    }
}
