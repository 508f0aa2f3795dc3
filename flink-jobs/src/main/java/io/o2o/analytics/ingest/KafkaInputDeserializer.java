package io.o2o.analytics.ingest;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses Kafka records inside the source, so that watermarks are generated per partition from the events'
 * own times (a partition that lags behind, as in a replay, then holds the watermark back instead of making
 * its events late).
 */
public final class KafkaInputDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;

    private final Map<String, InputTopic> topicsByName;
    private final InputParser parser;

    /** @param topicsByName the configured Kafka topic name of each input stream */
    public KafkaInputDeserializer(Map<String, InputTopic> topicsByName, InputParser parser) {
        this.topicsByName = Map.copyOf(topicsByName);
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        InputTopic topic = topicsByName.get(record.topic());
        if (topic == null) {
            throw new IllegalStateException("Subscribed to an unconfigured topic " + record.topic());
        }
        out.collect(parser.parse(new RawRecord(
                topic, text(record.key()), text(record.value()), record.timestamp(), record.partition(),
                record.offset())));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
