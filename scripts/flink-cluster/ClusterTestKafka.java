import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka chores of scripts/cluster-submission-test.sh, run with Java's single-file launcher on the project's
 * classpath (kafka-clients): {@code java -cp "$(cat flink-jobs/target/launcher.classpath)" ClusterTestKafka.java CMD ...}.
 *
 * <pre>
 *   create-topics BOOTSTRAP PARTITIONS TOPIC[:N]...    create fresh topics (fails if one exists), N partitions
 *                                                      where given, else PARTITIONS; they keep every record
 *                                                      (retention.ms=-1): the input is of a fixed simulated
 *                                                      time in the past
 *   produce BOOTSTRAP TOPIC TIMESTAMP_MS KEY VALUE     write one record, timestamped, and wait for its ack
 *   delete-topics BOOTSTRAP TOPIC...                   delete topics
 *   wait-consumed BOOTSTRAP GROUP TIMEOUT_S TOPIC...   wait until GROUP's committed offsets reach the end of every
 *                                                      partition of the topics (lag 0); exit 1 on time-out
 *   dump BOOTSTRAP TOPIC FILE                          write every record value up to the current end, one a line
 * </pre>
 */
public final class ClusterTestKafka {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        String bootstrap = args[1];
        try (Admin admin = Admin.create(adminProperties(bootstrap))) {
            switch (args[0]) {
                case "create-topics" -> createTopics(admin, Integer.parseInt(args[2]), List.of(args).subList(3, args.length));
                case "produce" -> produce(bootstrap, args[2], Long.parseLong(args[3]), args[4], args[5]);
                case "delete-topics" -> admin.deleteTopics(List.of(args).subList(2, args.length)).all().get(30, TimeUnit.SECONDS);
                case "wait-consumed" -> System.exit(waitConsumed(admin, args[2], Integer.parseInt(args[3]),
                        List.of(args).subList(4, args.length)) ? 0 : 1);
                case "dump" -> dump(admin, bootstrap, args[2], Path.of(args[3]));
                default -> usage();
            }
        }
    }

    private static void usage() {
        System.err.println("usage: ClusterTestKafka create-topics|produce|delete-topics|wait-consumed|dump BOOTSTRAP ...");
        System.exit(2);
    }

    private static Properties adminProperties(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return props;
    }

    private static void createTopics(Admin admin, int defaultPartitions, List<String> specs) throws Exception {
        Map<String, Integer> partitions = new HashMap<>();
        for (String spec : specs) {
            int colon = spec.lastIndexOf(':');
            partitions.put(colon < 0 ? spec : spec.substring(0, colon),
                    colon < 0 ? defaultPartitions : Integer.parseInt(spec.substring(colon + 1)));
        }
        List<String> topics = List.copyOf(partitions.keySet());
        admin.createTopics(topics.stream()
                        .map(t -> new NewTopic(t, partitions.get(t), (short) 1).configs(Map.of("retention.ms", "-1")))
                        .toList())
                .all()
                .get(30, TimeUnit.SECONDS);
        // Wait until every partition has a leader, so the first producer does not race the metadata.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            boolean ready = described.values().stream()
                    .allMatch(d -> d.partitions().size() == partitions.get(d.name())
                            && d.partitions().stream().allMatch(p -> p.leader() != null));
            if (ready) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics without leaders after 30 s: " + described);
            }
            Thread.sleep(200);
        }
        System.out.println("created topics (partitions): " + partitions);
    }

    private static void produce(String bootstrap, String topic, long timestamp, String key, String value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get(30, TimeUnit.SECONDS);
            System.out.println("wrote 1 record to " + sent.topic() + "-" + sent.partition() + " at offset " + sent.offset());
        }
    }

    private static List<TopicPartition> partitions(Admin admin, List<String> topics) throws Exception {
        List<TopicPartition> all = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()
                .forEach(d -> d.partitions().forEach(p -> all.add(new TopicPartition(d.name(), p.partition()))));
        return all;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static boolean waitConsumed(Admin admin, String group, int timeoutSeconds, List<String> topics) throws Exception {
        List<TopicPartition> partitions = partitions(admin, topics);
        Map<TopicPartition, Long> ends = endOffsets(admin, partitions);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long lastReport = 0;
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = committed.get(tp);
                lag += ends.get(tp) - (offset == null ? 0 : offset.offset());
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (lag <= 0) {
                System.out.println("group " + group + " has committed all " + total + " input records (" + elapsedMs + " ms)");
                return true;
            }
            if (elapsedMs - lastReport >= 5000) {
                System.out.println("group " + group + ": " + lag + " of " + total + " input records not yet committed");
                lastReport = elapsedMs;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("group " + group + " still lags " + lag + " records after " + timeoutSeconds + " s");
                return false;
            }
            Thread.sleep(500);
        }
    }

    private static void dump(Admin admin, String bootstrap, String topic, Path file) throws Exception {
        List<TopicPartition> partitions = partitions(admin, List.of(topic));
        Map<TopicPartition, Long> ends = endOffsets(admin, partitions);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // What a downstream consumer sees: committed transactions only (geo-offers is written transactionally).
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long records = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
                BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        out.write(record.value().replace('\n', ' '));
                        out.newLine();
                        records++;
                    }
                }
            }
        }
        System.out.println("read " + records + " records of " + topic + " (" + partitions.size() + " partitions) into " + file);
    }
}
