package io.o2o.analytics.simulator;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a simulation's records to the engine's five input topics, in order, each with its
 * {@link RawRecord#timestampMillis()} as the Kafka record timestamp and keyed as the engine expects (device,
 * store, user or link side). Optionally paced, so a dashboard watching the engine sees the city unfold.
 *
 * <p>The producer waits for all in-sync replicas and is idempotent: a retried send is never written twice,
 * so the topics hold exactly the simulated records and the truth still applies to them.
 */
public final class KafkaSimulatorWriter implements AutoCloseable {
    /** How often the writer reports progress while producing. */
    private static final long PROGRESS_EVERY_RECORDS = 10_000;

    private final Producer<String, String> producer;
    private final Map<InputTopic, String> topics;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    /** Told how many records have been sent so far, every {@value #PROGRESS_EVERY_RECORDS} and at the end. */
    @FunctionalInterface
    public interface Progress {
        void sent(long records, long total);
    }

    /** Waits, so that tests can pace without sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    /**
     * @param topics the topic of each input stream; streams left out use {@link InputTopic#defaultTopicName()}
     */
    public KafkaSimulatorWriter(String bootstrapServers, Map<InputTopic, String> topics) {
        this(new KafkaProducer<>(producerProperties(bootstrapServers)), topics, System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    KafkaSimulatorWriter(
            Producer<String, String> producer, Map<InputTopic, String> topics, LongSupplier nanoClock, Sleeper sleeper) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = withDefaults(topics);
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Every input stream mapped to its default topic name. */
    public static Map<InputTopic, String> defaultTopics() {
        return withDefaults(Map.of());
    }

    /** acks=all and idempotence; String keys and values. */
    public static Properties producerProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "o2o-simulator");
        return properties;
    }

    public Map<InputTopic, String> topics() {
        return topics;
    }

    /** Writes every record of the simulation, paced from the start of its window. */
    public long write(Simulation simulation, double speed, Progress progress) throws InterruptedException {
        return write(simulation.records(), simulation.truth().settings().startMillis(), speed, progress);
    }

    /**
     * Writes the records in list order and waits until Kafka has acknowledged all of them.
     *
     * @param originMillis the simulated instant that corresponds to the moment writing starts
     * @param speed simulated seconds per wall-clock second: a record timestamped {@code t} is sent
     *     {@code (t - originMillis) / speed} after writing started; 0 or less sends as fast as possible
     * @return the number of records written
     * @throws KafkaException if Kafka refused a record; records after it may or may not have been written
     */
    public long write(List<RawRecord> records, long originMillis, double speed, Progress progress)
            throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long wallStart = nanoClock.getAsLong();
        long sent = 0;
        for (RawRecord record : records) {
            if (speed > 0) {
                long due = wallStart + (long) ((record.timestampMillis() - originMillis) * 1_000_000 / speed);
                long wait = due - nanoClock.getAsLong();
                if (wait > 0) {
                    sleeper.sleepNanos(wait);
                }
            }
            throwIfFailed(failure);
            producer.send(
                    new ProducerRecord<>(topics.get(record.topic()), null, record.timestampMillis(), record.key(),
                            record.value()),
                    (metadata, exception) -> {
                        if (exception != null) {
                            failure.compareAndSet(null, exception);
                        }
                    });
            sent++;
            if (progress != null && sent % PROGRESS_EVERY_RECORDS == 0) {
                progress.sent(sent, records.size());
            }
        }
        producer.flush();
        throwIfFailed(failure);
        if (progress != null) {
            progress.sent(sent, records.size());
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }

    private static void throwIfFailed(AtomicReference<Exception> failure) {
        Exception e = failure.get();
        if (e != null) {
            throw new KafkaException("Kafka refused a simulated record: " + e.getMessage(), e);
        }
    }

    private static Map<InputTopic, String> withDefaults(Map<InputTopic, String> topics) {
        Map<InputTopic, String> all = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            String name = topics.getOrDefault(topic, topic.defaultTopicName());
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("The topic name for " + topic.defaultTopicName() + " must not be blank");
            }
            all.put(topic, name);
        }
        return Collections.unmodifiableMap(all);
    }
}
