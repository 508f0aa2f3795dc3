package io.o2o.analytics.bench.latency;

import io.o2o.analytics.bench.BenchmarkInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The run's own topics: created with {@code message.timestamp.type=LogAppendTime}, so that every record, input and
 * output alike, carries the time the broker appended it (one clock for both ends of a latency); read back with
 * {@code isolation.level=read_committed}, as a consumer of the exactly-once geo-offers must.
 */
final class LiveTopics implements AutoCloseable {
    static final int PARTITIONS = BenchmarkInput.PARTITIONS;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** For reading a topic to its end; the run's topics hold minutes of a city, read in seconds. */
    private static final Duration READ_PATIENCE = Duration.ofMinutes(3);

    /** One record as read back, with the broker's append time. */
    record AppendedRecord(String topic, int partition, long offset, long appendMillis, String key, String value) {}

    private final String bootstrapServers;
    private final Admin admin;

    LiveTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(BenchmarkInput.adminProperties(bootstrapServers));
    }

    void create(Collection<String> names) throws Exception {
        List<NewTopic> topics = names.stream()
                .map(name -> new NewTopic(name, PARTITIONS, (short) 1).configs(Map.of(
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name)))
                .toList();
        admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    void delete(Collection<String> names) throws Exception {
        admin.deleteTopics(names).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Every record of the topic up to its last stable offset (read_committed: a geo-offers transaction still open
     * holds that offset back; the job is stopped with a savepoint first, which commits them).
     *
     * @throws IllegalStateException if a record carries no append time: the latencies would mix clocks
     */
    List<AppendedRecord> read(String topic) {
        Properties props = readCommitted(bootstrapServers);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<AppendedRecord> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, ADMIN_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, ADMIN_TIMEOUT);
            long deadline = System.nanoTime() + READ_PATIENCE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within "
                            + READ_PATIENCE.toMinutes() + " min");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.timestampType() != TimestampType.LOG_APPEND_TIME) {
                        throw new IllegalStateException(topic + " holds records with " + record.timestampType()
                                + ", not LogAppendTime: its times are not the broker's");
                    }
                    records.add(new AppendedRecord(topic, record.partition(), record.offset(), record.timestamp(),
                            record.key(), record.value()));
                }
            }
        }
        return records;
    }

    /**
     * A consumer's settings for reading what the job wrote as its consumers must: read_committed, assigned
     * partitions from the beginning, no group and no offsets committed.
     */
    static Properties readCommitted(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    @Override
    public void close() {
        admin.close();
    }
}
