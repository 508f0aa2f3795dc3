package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.journeys.FirstConversionOnly;
import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.GroundTruth;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.simulator.Simulation;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.testing.InfluxTestServer;
import io.o2o.analytics.testing.KafkaTestBroker;
import io.o2o.analytics.testing.SimulatedTime;
import io.o2o.analytics.testing.TestHashKeys;
import io.o2o.analytics.visits.VisitDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Simulator -> real Kafka -> the job on a MiniCluster (parallelism 2, RocksDB, checkpoints) -> real InfluxDB
 * and the {@code visits} / {@code dead-letters} topics; compared with the simulator's ground truth.
 */
class EndToEndITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaTestBroker kafka;
    private static InfluxTestServer influx;
    private static String database;
    private static GroundTruth truth;
    private static JobExecutionResult result;
    private static List<JsonNode> visits;
    private static List<JsonNode> deadLetters;
    private static List<JsonNode> conversions;

    @BeforeAll
    static void runTheJobOverSimulatedKafkaInput() throws Exception {
        kafka = KafkaTestBroker.fromEnvironment();
        influx = InfluxTestServer.fromEnvironment();
        database = influx.createDatabase("end_to_end");

        Map<InputTopic, String> inputTopics = new EnumMap<>(InputTopic.class);
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka", "--bounded",
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id", "e2e-" + System.nanoTime(),
                "--parallelism", "2",
                "--checkpoint.interval", "1s",
                "--state.backend", "rocksdb"));
        for (InputTopic topic : InputTopic.values()) {
            inputTopics.put(topic, kafka.createTopic(topic.defaultTopicName(), 2));
            args.addAll(List.of("--topic." + topic.defaultTopicName(), inputTopics.get(topic)));
        }
        String visitsTopic = kafka.createTopic("visits", 2);
        String deadLetterTopic = kafka.createTopic("dead-letters", 1);
        String conversionsTopic = kafka.createTopic("o2o-conversions", 2);
        args.addAll(List.of("--topic.visits", visitsTopic, "--topic.dead-letters", deadLetterTopic,
                "--topic.o2o-conversions", conversionsTopic,
                "--topic.customer-assignments", kafka.createTopic("customer-assignments", 2),
                "--topic.profile-updates", kafka.createTopic("profile-updates", 2),
                "--topic.geo-offers", kafka.createTopic("geo-offers", 2),
                "--topic.offer-audit", kafka.createTopic("offer-audit", 2)));
        Configuration options = CommandLine.parse(args.toArray(String[]::new));
        JobSetup setup = JobSetup.of(TestHashKeys.withKeyFile(options, "end-to-end-test-key-0123456789"), Map.of());

        // A fixed simulated hour (Saturday noon in Shanghai): the same input at every hour the test runs.
        Simulation simulation = new CitySimulator(setup.fences(), SimulationSettings.builder()
                        .start(SimulatedTime.START)
                        .customers(300)
                        .duration(Duration.ofHours(1))
                        .badRecordRate(0.01)
                        .build())
                .run();
        truth = simulation.truth();
        try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(kafka.bootstrapServers(), inputTopics)) {
            writer.write(simulation, 0, (sent, total) -> {});
        }

        // The production InfluxDB sink, with the 1.x write-path mapping that only the test server needs.
        LocationAnalyticsJob job = setup.job(setup.outputs().sinks().withMetrics(influx.sinkBuilder(database).build()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = setup.flinkConfiguration();
        // A test must fail, not restart forever.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(flink);
        result = job.execute(env);

        long decisions = VisitDetector.DECISION_TYPES.stream()
                .mapToLong(type -> result.<Long>getAccumulatorResult(VisitDetector.ACCUMULATOR_PREFIX + type))
                .sum();
        visits = readAll(visitsTopic, decisions);
        conversions = readAll(conversionsTopic, JourneyMatch.directions().stream()
                .mapToLong(d -> result.<Long>getAccumulatorResult(FirstConversionOnly.ACCUMULATOR_PREFIX + d))
                .sum());
        deadLetters = readAll(deadLetterTopic,
                result.<Long>getAccumulatorResult(InputRouter.DEAD_LETTERS_ACCUMULATOR)
                        + result.<Long>getAccumulatorResult(VisitDetector.REJECTED_ACCUMULATOR));
    }

    @AfterAll
    static void cleanUp() {
        if (influx != null && database != null) {
            influx.dropDatabase(database);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static List<JsonNode> readAll(String topic, long expected) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String value : kafka.consumeValues(topic, Math.toIntExact(expected), Duration.ofSeconds(60))) {
            nodes.add(JSON.readTree(value));
        }
        return nodes;
    }

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).count();
    }

    @Test
    void visitsInTheTopicMatchTheGroundTruth() {
        long truthVisits = truth.visits().size();
        assertThat(truthVisits).isGreaterThan(50);
        assertThat((double) count(visits, StoreVisitEvent.VISIT)).isCloseTo(truthVisits, within(truthVisits * 0.05));
        long truthPassBys = truth.passBys().size();
        assertThat((double) count(visits, StoreVisitEvent.PASS_BY)).isCloseTo(truthPassBys, within(truthPassBys * 0.15));
        assertThat(visits).allSatisfy(v -> assertThat(v.get("deviceId").asText()).hasSize(32));
    }

    @Test
    void storeTrafficInInfluxDbMatchesTheDecisionsAndTheTruth() {
        long entries = influx.queryLong(database, "SELECT sum(\"entries\") FROM \"store_traffic\"");
        long visitsWritten = influx.queryLong(database, "SELECT sum(\"visits\") FROM \"store_traffic\"");
        long passersBy = influx.queryLong(database, "SELECT sum(\"passers_by\") FROM \"store_traffic\"");

        assertThat(entries).isEqualTo(count(visits, StoreVisitEvent.ENTER));
        assertThat(visitsWritten).isEqualTo(count(visits, StoreVisitEvent.VISIT));
        assertThat(passersBy).isEqualTo(count(visits, StoreVisitEvent.PASS_BY));
        long truthEntries = truth.entriesPerStore().values().stream().mapToLong(Long::longValue).sum();
        // Walk-throughs under a minute may show only one ping inside: entries are counted within 12%.
        assertThat((double) entries).isCloseTo(truthEntries, within(truthEntries * 0.12));

        assertThat(influx.queryLong(database, "SELECT count(\"p90_s\") FROM \"store_dwell\"")).isPositive();
        assertThat(influx.query(database, "SHOW TAG KEYS"))
                .extracting(row -> row.get("tagKey"))
                .containsOnly("store", "topic", "reason", "channel", "zone", "rule");
    }

    @Test
    void conversionsReachTheirTopicAndTheO2oMetricsAddUpToThem() {
        long onlineToStore = conversions.stream()
                .filter(c -> c.get("direction").asText().equals(JourneyMatch.ONLINE_TO_STORE)).count();
        long truthConversions = truth.identifiableConversions().size();
        assertThat(truthConversions).isGreaterThan(10);
        // The journeys whose browser and phone are linked by the visit's end; a visit the detector missed or
        // split has no conversion: within 10%.
        assertThat((double) onlineToStore).isCloseTo(truthConversions, within(truthConversions * 0.1));
        assertThat(influx.queryLong(database, "SELECT sum(\"online_to_store\") FROM \"o2o_conversions\""))
                .isEqualTo(onlineToStore);
        assertThat(influx.queryLong(database, "SELECT sum(\"visitors\") FROM \"store_customers\""))
                .isPositive()
                .isLessThanOrEqualTo(count(visits, StoreVisitEvent.VISIT));
        assertThat(conversions).extracting(c -> c.get("conversionId").asText()).doesNotHaveDuplicates();
    }

    @Test
    void injectedBadRecordsReachTheDeadLetterTopicWithTheirReasonsAndAreCounted() {
        SortedMap<String, Long> expected = new TreeMap<>(truth.badRecordsPerReason());
        SortedMap<String, Long> actual = new TreeMap<>();
        // A ping re-sent 15 minutes later is late if the original was processed by then, and a duplicate if
        // it overtook the original (the watermark lagged): which, depends on timing; that it is one, does not.
        // A till receipt sent twice is always a duplicate.
        deadLetters.forEach(d -> actual.merge(
                d.get("reason").asText().equals("duplicate_event") && d.get("topic").asText().equals("lbs-pings")
                        ? "late_event" : d.get("reason").asText(),
                1L, Long::sum));
        expected.values().removeIf(count -> count == 0);
        assertThat(actual).isEqualTo(expected);
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.get("excerpt").asText()).isNotEmpty());

        long counted = influx.queryLong(database, "SELECT sum(\"count\") FROM \"dead_letters\"");
        assertThat(counted).isEqualTo(deadLetters.size());
        long received = influx.queryLong(database, "SELECT sum(\"received\") FROM \"pipeline_health\"");
        assertThat(received).isEqualTo(truth.totalRecords());
    }
}
