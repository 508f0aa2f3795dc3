package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.testing.KafkaTestBroker;
import io.o2o.analytics.testing.SimulatedTime;
import io.o2o.analytics.testing.TestClusters;
import io.o2o.analytics.testing.TestHashKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job, read from the real Kafka broker, against input no producer should send and some will: the two
 * records that used to stop it (a timestamp beyond epoch milliseconds, which failed the source; a door counter
 * left above zero, which kept the occupancy aggregation writing minutes until the end of time, so that a
 * bounded run and {@code stop --drain} never ended), raw identifiers pushed through every way of being
 * rejected, and hundreds of records mutated at random (seeded). The job must end, account for every record
 * (used or a dead letter), and no raw identifier may appear in any output, metric point or log line.
 */
class HostileInputITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = SimulatedTime.START.toEpochMilli();
    private static final String STORE = "sh-001";
    /** Identifiers that no other test uses, so a log line holding one can only come from here. */
    private static final List<String> RAW_IDENTIFIERS = List.of("+8613912340077", "13912340077",
            "a4:5e:60:77:07:70", "A4-5E-60-77-07-70", "7D92078A-8246-4BA4-AE5B-761048617777",
            "7F3A9C2E7B1D4E5FA0B1C2D3E4F57777", "356938035647777");

    @TempDir
    static Path out;

    private static KafkaTestBroker kafka;
    private static JobExecutionResult result;
    private static Map<InputTopic, Long> produced;

    @BeforeAll
    @Timeout(300)
    static void runTheJobOverHostileInput() throws Exception {
        kafka = KafkaTestBroker.fromEnvironment();
        Map<InputTopic, String> topics = new EnumMap<>(InputTopic.class);
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka", "--bounded", "--outputs", "files", "--output.dir", out.toString(),
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id", "hostile-" + System.nanoTime(),
                "--parallelism", "2", "--checkpoint.interval", "2s", "--state.backend", "hashmap",
                "--offers.quiet-hours", "none"));
        for (InputTopic topic : InputTopic.values()) {
            topics.put(topic, kafka.createTopic(topic.defaultTopicName(), 2));
            args.addAll(List.of("--topic." + topic.defaultTopicName(), topics.get(topic)));
        }
        JobSetup setup = JobSetup.of(TestHashKeys.withKeyFile(CommandLine.parse(args.toArray(String[]::new)),
                "hostile-input-test-key-0123456789"), Map.of());

        List<RawRecord> records = hostileRecords();
        produced = new EnumMap<>(InputTopic.class);
        records.forEach(r -> produced.merge(r.topic(), 1L, Long::sum));
        try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(kafka.bootstrapServers(), topics)) {
            writer.write(records, START, 0, (sent, total) -> {});
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = setup.flinkConfiguration();
        // One failure is a failed test: before the fix, the overflowing timestamp restarted the job until it gave up.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(flink);
        result = setup.job().execute(env);
    }

    @AfterAll
    static void cleanUp() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Valid traffic at one store (a door counter that leaves one person inside), then the hostile records. */
    private static List<RawRecord> hostileRecords() {
        List<RawRecord> records = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            long ts = START + minute * 60_000L;
            records.add(record(InputTopic.LBS_PINGS, ts, """
                    {"deviceId":"hostile-walker","lat":%s,"lon":121.4751,"accuracyM":8,"ts":%d,"source":"gps"}"""
                    .formatted(31.2351 + minute * 0.0001, ts)));
        }
        // The record that kept stop --drain from ever finishing: someone in, nobody out.
        records.add(record(InputTopic.STORE_SENSORS, START + 60_000, """
                {"sensorId":"sh-001-door","storeId":"sh-001","zoneId":"sh-001-entrance","kind":"door_counter","in":1,"out":0,"ts":%d}"""
                .formatted(START + 60_000)));
        // The record that failed the source: a valid ISO year whose epoch milliseconds overflow a long.
        records.add(record(InputTopic.LBS_PINGS, START + 120_000, """
                {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":9,"ts":"+300000000-01-01T00:00:00Z","source":"gps"}"""));
        long ts = START + 180_000;
        for (String id : RAW_IDENTIFIERS) {
            for (String template : IDENTIFIER_PATHS) {
                String[] parts = template.split("\\|", 2);
                records.add(record(InputTopic.valueOf(parts[0].strip()), ts,
                        parts[1].strip().replace("@ID", id).replace("@TS", Long.toString(ts))));
            }
        }
        records.addAll(mutated(new SplittableRandom(20261207), 400, START + 240_000));
        return records;
    }

    /** Every way a record can be refused, each carrying the identifier {@code @ID}. */
    private static final List<String> IDENTIFIER_PATHS = List.of(
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":99,\"lon\":121.4,\"accuracyM\":5,\"ts\":@TS,\"source\":\"gps\"}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4,\"accuracyM\":5,\"ts\":@TS,\"source\":\"@ID\"}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4,\"accuracyM\":5,\"ts\":\"@ID\",\"source\":\"gps\"}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4,\"accuracyM\":5,\"ts\":0,\"source\":\"gps\"}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4,\"accuracyM\":5,\"ts\":9999999999999,\"source\":\"gps\"}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4",
            "LBS_PINGS | {\"deviceId\":@ID,\"lat\":31.2}",
            "LBS_PINGS | {\"deviceId\":\"@ID\",\"lat\":31.2,\"lon\":121.4,\"accuracyM\":5,\"ts\":@TS,\"source\":\"gps\"}}",
            "LBS_PINGS | {\"@ID\":1}",
            "STORE_SENSORS | {\"sensorId\":\"s\",\"storeId\":\"@ID\",\"zoneId\":\"z\",\"kind\":\"wifi_probe\",\"deviceHash\":\"@ID\",\"ts\":@TS}",
            "STORE_SENSORS | {\"sensorId\":\"s\",\"storeId\":\"sh-001\",\"zoneId\":\"z\",\"kind\":\"@ID\",\"deviceHash\":\"@ID\",\"ts\":@TS}",
            "IDENTITY_LINKS | {\"a\":\"phone:@ID\",\"b\":\"passport:@ID\",\"ts\":@TS}",
            "IDENTITY_LINKS | {\"a\":\"device:@ID\",\"b\":\"user:u-h\",\"ts\":\"1970-01-01T00:00:00Z\"}",
            "MARKETING_PREFERENCES | {\"identifier\":\"phone:@ID\",\"consent\":\"@ID\",\"ts\":@TS}",
            "ONLINE_EVENTS | {\"userId\":\"u-h\",\"channel\":\"@ID\",\"action\":\"view\",\"ts\":@TS}",
            "POS_TRANSACTIONS | {\"txId\":\"t\",\"storeId\":\"@ID\",\"amount\":1,\"items\":[],\"ts\":@TS}",
            "OFFER_RULES | {\"id\":\"@ID\",\"trigger\":{\"type\":\"@ID\"},\"ts\":@TS}");

    /** Valid records of every topic with a field replaced by something hostile, cut short, or run together. */
    private static List<RawRecord> mutated(SplittableRandom random, int count, long ts) {
        List<String[]> templates = List.of(
                new String[] {"LBS_PINGS", "{\"deviceId\":\"@ID\",\"lat\":31.2351,\"lon\":121.4751,\"accuracyM\":8,\"ts\":@TS,\"source\":\"gps\"}"},
                new String[] {"STORE_SENSORS", "{\"sensorId\":\"sh-001-ap\",\"storeId\":\"sh-001\",\"zoneId\":\"sh-001-entrance\",\"kind\":\"wifi_probe\",\"deviceHash\":\"@ID\",\"rssi\":-60,\"ts\":@TS}"},
                new String[] {"ONLINE_EVENTS", "{\"userId\":\"u-h\",\"channel\":\"app\",\"action\":\"view\",\"storeId\":\"sh-001\",\"ts\":@TS}"},
                new String[] {"POS_TRANSACTIONS", "{\"txId\":\"t-h\",\"storeId\":\"sh-001\",\"amount\":12.5,\"items\":[{\"sku\":\"sku-1\",\"qty\":1}],\"ts\":@TS}"},
                new String[] {"IDENTITY_LINKS", "{\"a\":\"phone:@ID\",\"b\":\"device:@ID\",\"ts\":@TS}"},
                new String[] {"MARKETING_PREFERENCES", "{\"identifier\":\"phone:@ID\",\"consent\":\"opt_in\",\"ts\":@TS}"});
        List<Object> hostile = List.of("+300000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "", " ", "NaN",
                new java.math.BigInteger("1" + "0".repeat(30)), Long.MAX_VALUE, Long.MIN_VALUE, -1, 0, 1e308,
                true, List.of(), Map.of("x", 1), "x".repeat(5000), "1970-01-01T00:00:00Z", "@ID");
        List<RawRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] template = templates.get(random.nextInt(templates.size()));
            String id = RAW_IDENTIFIERS.get(random.nextInt(RAW_IDENTIFIERS.size()));
            String value = template[1].replace("@ID", id).replace("@TS", Long.toString(ts));
            switch (random.nextInt(4)) {
                case 0 -> value = value.substring(0, random.nextInt(value.length()));
                case 1 -> value = value + List.of("}", "x", "{}", ",").get(random.nextInt(4));
                default -> {
                    try {
                        ObjectNode json = (ObjectNode) JSON.readTree(value);
                        List<String> fields = new ArrayList<>();
                        json.fieldNames().forEachRemaining(fields::add);
                        Object replacement = hostile.get(random.nextInt(hostile.size()));
                        json.set(fields.get(random.nextInt(fields.size())),
                                JSON.valueToTree("@ID".equals(replacement) ? id : replacement));
                        value = JSON.writeValueAsString(json);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            records.add(record(InputTopic.valueOf(template[0]), ts, value));
        }
        return records;
    }

    private static RawRecord record(InputTopic topic, long eventTime, String value) {
        return new RawRecord(topic, null, value, eventTime + 1_000);
    }

    @Test
    void theJobEndsAndEveryRecordIsReadOnce() {
        long total = produced.values().stream().mapToLong(Long::longValue).sum();
        assertThat(result.<Long>getAccumulatorResult(InputRouter.RECORDS_ACCUMULATOR)).isEqualTo(total);
    }

    @Test
    void theTimestampThatFailedTheSourceIsADeadLetter() throws IOException {
        assertThat(deadLetters()).anySatisfy(d -> {
            assertThat(d.get("topic").asText()).isEqualTo("lbs-pings");
            assertThat(d.get("reason").asText()).isEqualTo("invalid_value");
            // (The year itself is masked: nine digits and a sign look like a phone number.)
            assertThat(d.get("detail").asText()).contains("'ts' is neither ISO-8601 within epoch milliseconds");
            assertThat(d.get("partition").asInt()).isBetween(0, 1);
            assertThat(d.get("offset").asLong()).isNotNegative();
        });
    }

    @Test
    void theStoreLeftWithSomeoneInsideReportsOnlyUpToItsInput() throws IOException {
        List<Long> occupancyMinutes = metricLines()
                .filter(line -> line.startsWith("store_occupancy,store=" + STORE + " "))
                .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                .sorted()
                .toList();
        assertThat(occupancyMinutes).as("the door counter's store is reported").isNotEmpty();
        long lastInput = START + 240_000;
        assertThat(occupancyMinutes.get(occupancyMinutes.size() - 1)).isLessThanOrEqualTo(lastInput);
    }

    @Test
    void everyRefusedRecordIsADeadLetterCountedPerTopic() throws IOException {
        Map<String, Long> perTopic = new TreeMap<>();
        for (JsonNode d : deadLetters()) {
            perTopic.merge(d.get("topic").asText(), 1L, Long::sum);
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.get("detail").asText()).isNotBlank();
        }
        // Every identifier path and every mutation of the rules topic is refused; most mutations are.
        assertThat(perTopic.get("offer-rules")).isEqualTo(produced.get(InputTopic.OFFER_RULES));
        long total = perTopic.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isGreaterThanOrEqualTo((long) RAW_IDENTIFIERS.size() * IDENTIFIER_PATHS.size());
    }

    @Test
    void noRawIdentifierInAnyOutputMetricOrLogLine() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(out)) {
            files = listed.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .anyMatch(name -> name.startsWith("dead-letters-"))
                .anyMatch(name -> name.startsWith("metrics-"));
        Path log = Path.of("target", "test-logs", "tests.log");
        assertThat(log).as("the tests' log file (src/test/resources/log4j2-test.properties)").exists();
        for (Path file : Stream.concat(files.stream(), Stream.of(log)).toList()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String digitsOnly = text.replaceAll("[ -]", "");
            for (String id : RAW_IDENTIFIERS) {
                assertThat(text.toLowerCase(Locale.ROOT)).as("%s in %s", id, file).doesNotContain(id.toLowerCase(Locale.ROOT));
                String digits = id.replaceAll("[^0-9]", "");
                if (id.matches("\\+?[0-9]+")) {
                    assertThat(digitsOnly).as("%s in %s", id, file).doesNotContain(digits);
                }
            }
        }
    }

    private static List<JsonNode> deadLetters() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (Stream<Path> listed = Files.list(out)) {
            for (Path file : listed.filter(p -> p.getFileName().toString().startsWith("dead-letters-")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    nodes.add(JSON.readTree(line));
                }
            }
        }
        return nodes;
    }

    private static Stream<String> metricLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> listed = Files.list(out)) {
            for (Path file : listed.filter(p -> p.getFileName().toString().startsWith("metrics-")).toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines.stream();
    }
}
