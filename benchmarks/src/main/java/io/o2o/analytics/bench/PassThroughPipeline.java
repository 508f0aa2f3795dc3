package io.o2o.analytics.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The floor the whole job is compared with: the same topics read by the same Kafka source, each record parsed
 * into a Jackson tree and counted, then discarded. No keying, no state but the source's offsets: what the
 * machine spends on reading and parsing alone (Nexmark compares its queries with the source the same way).
 */
public final class PassThroughPipeline {
    public static final String JOB_NAME = "o2o-bench-pass-through";
    public static final String RECORDS_ACCUMULATOR = "pass-through.records";

    private PassThroughPipeline() {}

    public static void build(StreamExecutionEnvironment env, String bootstrapServers, Collection<String> topics,
            String groupId) {
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(bootstrapServers)
                .setGroupId(groupId)
                .setTopics(List.copyOf(topics))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(StringDeserializer.class))
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-input")
                .uid("kafka-input")
                .map(new ParseAndCount())
                .uid("parse-and-count")
                .name("parse and count")
                .sinkTo(new DiscardingSink<>())
                .uid("discard")
                .name("discard");
    }

    /** Parses each record into a tree; returns its field count so that the parse cannot be optimised away. */
    static final class ParseAndCount extends RichMapFunction<String, Integer> {
        private transient ObjectMapper json;
        private transient LongCounter records;

        @Override
        public void open(OpenContext openContext) {
            json = new ObjectMapper();
            records = new LongCounter();
            getRuntimeContext().addAccumulator(RECORDS_ACCUMULATOR, records);
        }

        @Override
        public Integer map(String value) {
            records.add(1);
            if (value == null) {
                return -1;
            }
            try {
                return json.readTree(value).size();
            } catch (JsonProcessingException e) {
                // A deliberately broken record: the job makes it a dead letter, here it is counted only.
                return -1;
            }
        }
    }
}
