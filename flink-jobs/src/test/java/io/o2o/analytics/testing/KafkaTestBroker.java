package io.o2o.analytics.testing;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real Kafka broker of the integration tests, started by {@code scripts/kafka.sh start} and found through
 * {@value #BOOTSTRAP_ENV}. A missing variable or a silent broker fails the test (never skips it).
 *
 * <pre>{@code
 * try (KafkaTestBroker kafka = KafkaTestBroker.fromEnvironment()) {
 *     String topic = kafka.createTopic("lbs-pings", 2);
 *     kafka.produce(topic, List.of("{...}", "{...}"));
 *     List<ConsumerRecord<String, String>> out = kafka.consume(topic, 2, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class KafkaTestBroker implements AutoCloseable {

    public static final String BOOTSTRAP_ENV = "O2O_TEST_KAFKA_BOOTSTRAP";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String RETENTION_MS = "retention.ms";
    private static final String KEEP_FOREVER = "-1";

    private final String bootstrapServers;
    private final Admin admin;

    private KafkaTestBroker(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        this.admin = Admin.create(props);
    }

    /** The broker named by {@value #BOOTSTRAP_ENV}; fails with instructions when it is unset or does not answer. */
    public static KafkaTestBroker fromEnvironment() {
        String bootstrap = System.getenv(BOOTSTRAP_ENV);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalStateException(BOOTSTRAP_ENV + " is not set. The integration tests need the real Kafka "
                    + "test broker: run the test command from the README (it starts scripts/kafka.sh and exports "
                    + "the variables), or run `scripts/kafka.sh start` and "
                    + "`export " + BOOTSTRAP_ENV + "=127.0.0.1:19092` yourself.");
        }
        return at(bootstrap.trim(), "It is " + BOOTSTRAP_ENV + ": start it with `scripts/kafka.sh start`.");
    }

    /** The broker at {@code bootstrap}; fails when it does not answer, with {@code hint} on what to do. */
    static KafkaTestBroker at(String bootstrap, String hint) {
        KafkaTestBroker broker = new KafkaTestBroker(bootstrap);
        try {
            broker.admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            broker.close();
            throw new IllegalStateException("Kafka at " + bootstrap + " does not answer a metadata request: " + e
                    + ". " + hint, e);
        } catch (InterruptedException e) {
            broker.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching Kafka at " + bootstrap, e);
        }
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates a topic with a fresh name that starts with {@code prefix}, and waits until it has leaders. It keeps
     * its records whatever their time ({@code retention.ms=-1}): the tests write at a fixed simulated time in the
     * past ({@link SimulatedTime}), which the broker's time-based retention would otherwise delete.
     */
    public String createTopic(String prefix, int partitions) {
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.of(RETENTION_MS, KEEP_FOREVER));
        await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            TopicDescription description = describeIfKnown(name);
            if (description != null
                    && description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return name;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leader after " + ADMIN_TIMEOUT);
            }
            sleep(100);
        }
    }

    /** The topic's description, or null while the broker's metadata does not know the new topic yet. */
    private TopicDescription describeIfKnown(String name) {
        try {
            return await(admin.describeTopics(List.of(name)).allTopicNames(), "describe " + name).get(name);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    public void deleteTopic(String topic) {
        await(admin.deleteTopics(List.of(topic)).all(), "delete topic " + topic);
    }

    /** Produces values without keys (round-robin over partitions) and waits until all are acknowledged. */
    public void produce(String topic, List<String> values) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        values.forEach(v -> records.add(new AbstractMap.SimpleImmutableEntry<>(null, v)));
        produceKeyed(topic, records);
    }

    /** Produces key/value records (a null key is allowed) and waits until all are acknowledged. */
    public void produceKeyed(String topic, List<Map.Entry<String, String>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, String> record : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            producer.flush();
            for (Future<?> ack : sent) {
                await(ack, "produce to " + topic);
            }
        }
    }

    /**
     * Reads the topic from the beginning of every partition until {@code expected} records arrived or
     * {@code timeout} passed, and returns what arrived (more than expected if more were there; fewer on time-out,
     * so the caller's assertion shows the difference). Uses no consumer group.
     */
    public List<ConsumerRecord<String, String>> consume(String topic, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Whatever else is already there (a test that expects exactly N must see an N+1-th record).
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    /**
     * Reads every partition of the topic from its beginning up to its end as it is now (for read_committed, the
     * last stable offset: a committed transaction is there, an open one is not). Gives up with an exception after
     * {@code timeout}, which only a broker that stops answering reaches.
     */
    public List<String> consumeToEnd(String topic, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within "
                            + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    /**
     * Whether the consumer group has committed, for every partition of the topics, the offset at the partition's end:
     * it has read everything there is (a Flink job commits on completed checkpoints, so after a checkpoint). An
     * empty partition needs no commit.
     */
    public boolean hasConsumedEverything(String group, List<String> topics) {
        Map<TopicPartition, OffsetAndMetadata> committed = await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "offsets of " + group);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : await(admin.describeTopics(topics).allTopicNames(), "describe " + topics).values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()),
                    OffsetSpec.latest()));
        }
        return await(admin.listOffsets(latest).all(), "end offsets of " + topics).entrySet().stream()
                .allMatch(end -> end.getValue().offset() == 0
                        || committed.containsKey(end.getKey())
                                && committed.get(end.getKey()).offset() >= end.getValue().offset());
    }

    /** Whether any partition of the topic holds a record. */
    public boolean hasRecords(String topic) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return await(admin.listOffsets(latest).all(), "end offsets of " + topic).values().stream()
                .anyMatch(end -> end.offset() > 0);
    }

    /** The values of {@link #consume}. */
    public List<String> consumeValues(String topic, int expected, Duration timeout) {
        return consume(topic, expected, timeout).stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka: " + what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka: " + what + " timed out after " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Kafka: interrupted during " + what, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
