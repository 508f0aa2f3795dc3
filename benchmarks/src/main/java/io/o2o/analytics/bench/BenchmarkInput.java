package io.o2o.analytics.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.simulator.Simulation;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark's input: the city simulation for the options, in Kafka topics of its own with two partitions
 * and no retention limit (the simulated instants are months old; a broker's default retention would delete
 * them). Topics that already hold exactly the simulated records are reused, so a rerun does not produce again.
 *
 * @param topics the topic of each input stream
 * @param records how many records the topics hold, bad ones included
 * @param phones distinct {@code deviceId}s in the location pings: the devices whose visits the job tracks
 * @param sensorDevices distinct {@code deviceHash}es the store sensors saw (phones, wearables, staff badges)
 */
public record BenchmarkInput(Map<InputTopic, String> topics, long records, long phones, long sensorDevices) {

    public static final int PARTITIONS = 2;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    public static BenchmarkInput prepare(BenchmarkOptions options, PrintStream out) throws Exception {
        FenceCatalog fences = FenceCatalog.load(FenceCatalog.SAMPLE_CITY);
        long started = System.nanoTime();
        Simulation simulation = new CitySimulator(fences, options.simulationSettings()).run();
        Map<InputTopic, Long> expected = simulation.truth().recordsPerTopic();
        Map<InputTopic, String> topics = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            topics.put(topic, options.topicName(topic.defaultTopicName()));
        }
        DeviceCounts devices = DeviceCounts.of(simulation.records());
        out.printf("Simulated %,d customers (seed %d, %d min from %s) in %.1f s: %,d records, %,d phones, %,d sensor devices%n",
                options.customers(), options.seed(), options.duration().toMinutes(), options.start(),
                (System.nanoTime() - started) / 1e9, simulation.records().size(), devices.phones(), devices.sensorDevices());

        try (Admin admin = Admin.create(adminProperties(options.bootstrapServers()))) {
            Map<String, Long> present = recordsInTopics(admin, topics.values());
            boolean complete = topics.entrySet().stream()
                    .allMatch(e -> present.getOrDefault(e.getValue(), -1L).equals(expected.getOrDefault(e.getKey(), 0L)));
            if (complete) {
                out.println("Kafka " + options.bootstrapServers() + ": topics " + options.topicName("*")
                        + " already hold these records; reusing them");
            } else {
                List<String> stale = new ArrayList<>(present.keySet());
                if (!stale.isEmpty()) {
                    out.println("Kafka: deleting incomplete or different topics " + stale);
                    admin.deleteTopics(stale).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    awaitGone(admin, stale);
                }
                List<NewTopic> create = topics.values().stream()
                        .map(name -> new NewTopic(name, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")))
                        .toList();
                admin.createTopics(create).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                long producing = System.nanoTime();
                try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(options.bootstrapServers(), topics)) {
                    long sent = writer.write(simulation, 0, null);
                    out.printf("Kafka %s: produced %,d records to %s in %.1f s%n", options.bootstrapServers(), sent,
                            options.topicName("*"), (System.nanoTime() - producing) / 1e9);
                }
            }
        }
        return new BenchmarkInput(topics, simulation.records().size(), devices.phones(), devices.sensorDevices());
    }

    /** Distinct devices in the simulated records; unparsable (deliberately broken) records are skipped. */
    record DeviceCounts(long phones, long sensorDevices) {
        static DeviceCounts of(List<RawRecord> records) {
            ObjectMapper json = new ObjectMapper();
            Set<String> phones = new HashSet<>();
            Set<String> sensorDevices = new HashSet<>();
            for (RawRecord record : records) {
                Set<String> into = record.topic() == InputTopic.LBS_PINGS ? phones
                        : record.topic() == InputTopic.STORE_SENSORS ? sensorDevices : null;
                if (into == null) {
                    continue;
                }
                try {
                    JsonNode node = json.readTree(record.value());
                    JsonNode id = node == null ? null : node.get(into == phones ? "deviceId" : "deviceHash");
                    if (id != null && id.isTextual()) {
                        into.add(id.asText());
                    }
                } catch (Exception e) {
                    // A deliberately broken record: it names no device the job keeps state for.
                }
            }
            return new DeviceCounts(phones.size(), sensorDevices.size());
        }
    }

    /** An admin client's settings: short time-outs, so that a broker that is not there fails fast. */
    public static Properties adminProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return props;
    }

    /** Records in each of the named topics that exist (end minus start offsets over all partitions). */
    private static Map<String, Long> recordsInTopics(Admin admin, Iterable<String> names) throws Exception {
        Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<String> wanted = new ArrayList<>();
        names.forEach(n -> {
            if (existing.contains(n)) {
                wanted.add(n);
            }
        });
        Map<String, Long> counts = new HashMap<>();
        if (wanted.isEmpty()) {
            return counts;
        }
        Map<String, TopicDescription> described = admin.describeTopics(wanted).allTopicNames()
                .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<TopicPartition> partitions = described.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()))).all().get();
        for (TopicPartition p : partitions) {
            counts.merge(p.topic(), ends.get(p).offset() - starts.get(p).offset(), Long::sum);
        }
        return counts;
    }

    private static void awaitGone(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            Set<String> names = admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (topics.stream().noneMatch(names::contains)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutionException("topics " + topics + " still exist after deletion", null);
            }
            Thread.sleep(200);
        }
    }
}
