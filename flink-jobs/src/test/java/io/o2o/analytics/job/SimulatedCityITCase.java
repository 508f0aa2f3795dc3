package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.ingest.IdentifierHasher;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.simulator.GroundTruth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a MiniCluster, fed by the simulator and writing to its file outputs, checked
 * against the simulator's ground truth; and the same input at parallelism 1 and 4 must decide the same.
 */
class SimulatedCityITCase {
    private static final int SLOTS = 4;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(SLOTS);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENVIRONMENT =
            Map.of(Secrets.HASH_KEY_ENV, "integration-test-key-0123456789abcdef");

    @TempDir
    static Path outputs;

    private static RunResult atParallelism2;

    record RunResult(
            List<JsonNode> visits,
            List<JsonNode> deadLetters,
            List<String> metrics,
            List<JsonNode> assignments,
            GroundTruth truth) {}

    private static RunResult run(int parallelism, Path dir) throws Exception {
        Configuration options = CommandLine.parse(new String[] {
            "--simulator.customers", "400",
            "--simulator.duration", "1h",
            "--simulator.bad-record-rate", "0.01",
            "--parallelism", String.valueOf(parallelism),
            "--checkpoint.interval", "2s",
            "--state.backend", "hashmap",
            "--output.dir", dir.toString()
        });
        JobSetup setup = JobSetup.of(options, ENVIRONMENT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = setup.flinkConfiguration();
        // A test must fail, not restart forever.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(flink);
        env.setParallelism(parallelism);
        setup.job().execute(env);
        return new RunResult(
                jsonLines(dir, "visits-"), jsonLines(dir, "dead-letters-"), lines(dir, "metrics-"),
                jsonLines(dir, "customer-assignments-"), setup.simulation().truth());
    }

    @BeforeAll
    static void runAtParallelism2() throws Exception {
        atParallelism2 = run(2, outputs.resolve("p2"));
    }

    @Test
    void visitsPerStoreMatchTheGroundTruth() {
        SortedMap<String, Long> detected = countPerStore(atParallelism2.visits(), StoreVisitEvent.VISIT);
        SortedMap<String, Long> truth = atParallelism2.truth().visitsPerStore();
        long truthTotal = truth.values().stream().mapToLong(Long::longValue).sum();
        long detectedTotal = detected.values().stream().mapToLong(Long::longValue).sum();

        assertThat(truthTotal).isGreaterThan(50);
        // Tolerance: GPS noise may end a visit early or merge two, in at most 5% of visits.
        assertThat((double) detectedTotal).isCloseTo(truthTotal, within(truthTotal * 0.05));
        for (Map.Entry<String, Long> store : truth.entrySet()) {
            assertThat(detected.getOrDefault(store.getKey(), 0L)).as(store.getKey())
                    .isBetween(store.getValue() - 2 - store.getValue() / 10, store.getValue() + 2 + store.getValue() / 10);
        }
    }

    @Test
    void passBysMatchTheGroundTruth() {
        long detected = countPerStore(atParallelism2.visits(), StoreVisitEvent.PASS_BY).values().stream()
                .mapToLong(Long::longValue).sum();
        long truth = atParallelism2.truth().passBysPerStore().values().stream().mapToLong(Long::longValue).sum();
        assertThat(truth).isGreaterThan(50);
        // Pass-bys are decided at the edge of a near-buffer, where GPS noise of 5-10 m decides whether a path
        // 30 m from a wall counts: 15% either way (docs/visit-detection.md).
        assertThat((double) detected).isCloseTo(truth, within(truth * 0.15));
    }

    @Test
    void everyInjectedBadRecordIsADeadLetterWithItsReason() {
        SortedMap<String, Long> expected = new TreeMap<>(atParallelism2.truth().badRecordsPerReason());
        SortedMap<String, Long> actual = new TreeMap<>();
        for (JsonNode deadLetter : atParallelism2.deadLetters()) {
            actual.merge(deadLetter.get("reason").asText(), 1L, Long::sum);
            assertThat(deadLetter.get("raw").asText()).isNotEmpty();
        }
        assertThat(expected).containsKey("late_event");
        expected.values().removeIf(count -> count == 0);
        // A ping re-sent 15 minutes later is late if the original was processed by then, and a duplicate if
        // it overtook the original (the watermark lagged): which, depends on timing; that it is one, does not.
        long resent = actual.getOrDefault("late_event", 0L) + actual.getOrDefault("duplicate_event", 0L);
        actual.remove("duplicate_event");
        actual.put("late_event", resent);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void trafficMetricsAddUpToTheDecisions() {
        long entriesDecided = countPerStore(atParallelism2.visits(), StoreVisitEvent.ENTER).values().stream()
                .mapToLong(Long::longValue).sum();
        long entriesInMetrics = atParallelism2.metrics().stream()
                .filter(line -> line.startsWith("store_traffic,"))
                .mapToLong(line -> field(line, "entries"))
                .sum();
        assertThat(entriesInMetrics).isEqualTo(entriesDecided).isPositive();
        assertThat(atParallelism2.metrics()).anyMatch(line -> line.startsWith("store_dwell,store="));
        assertThat(atParallelism2.metrics()).anyMatch(line -> line.startsWith("pipeline_health,topic=lbs-pings"));
        assertThat(atParallelism2.metrics()).anyMatch(line -> line.startsWith("dead_letters,reason="));
        assertThat(atParallelism2.metrics()).noneMatch(line -> line.contains("device") || line.contains("user"));
    }

    @Test
    void customersAreExactlyTheIdentifierGroupsTheEvidenceConnects() {
        IdentifierHasher hasher =
                new IdentifierHasher(ENVIRONMENT.get(Secrets.HASH_KEY_ENV).getBytes(StandardCharsets.UTF_8));
        Map<String, String> customerOf = finalCustomers(atParallelism2);
        assertThat(customerOf.keySet()).allSatisfy(node -> assertThat(node).matches(
                "(user|member|wechat|weibo):.+|(device|phone):[0-9a-f]{32}"));

        // Each true group is one customer, and no customer holds identifiers of two groups (two people).
        Map<String, Integer> groupOfNode = new TreeMap<>();
        List<io.o2o.analytics.simulator.TrueIdentity> groups = atParallelism2.truth().identities();
        for (int group = 0; group < groups.size(); group++) {
            java.util.Set<String> customers = new java.util.HashSet<>();
            for (String identifier : groups.get(group).identifiers()) {
                String node = asTheEngineNamesIt(identifier, hasher);
                groupOfNode.put(node, group);
                customers.add(customerOf.get(node));
            }
            assertThat(customers).as("customers of %s", groups.get(group)).hasSize(1).doesNotContainNull();
        }
        Map<String, java.util.Set<Integer>> groupsOfCustomer = new TreeMap<>();
        customerOf.forEach((node, customer) ->
                groupsOfCustomer.computeIfAbsent(customer, c -> new java.util.HashSet<>()).add(groupOfNode.get(node)));
        assertThat(groupsOfCustomer.values()).allSatisfy(g -> assertThat(g).hasSize(1).doesNotContainNull());
        assertThat(groups.size()).isGreaterThan(100);
        assertThat(groupsOfCustomer).hasSameSizeAs(groups);
    }

    private static String asTheEngineNamesIt(String identifier, IdentifierHasher hasher) {
        String kind = identifier.substring(0, identifier.indexOf(':'));
        String id = identifier.substring(identifier.indexOf(':') + 1);
        return switch (kind) {
            case "device" -> "device:" + hasher.hashDevice(id);
            case "phone" -> "phone:" + hasher.hashPhone(id);
            default -> identifier;
        };
    }

    @Test
    void parallelismDoesNotChangeTheDecisions() throws Exception {
        RunResult single = run(1, outputs.resolve("p1"));
        RunResult four = run(4, outputs.resolve("p4"));
        assertThat(sortedIds(four.visits())).isEqualTo(sortedIds(single.visits())).isEqualTo(
                sortedIds(atParallelism2.visits()));
        assertThat(finalCustomers(four)).isEqualTo(finalCustomers(single)).isEqualTo(finalCustomers(atParallelism2));
    }

    private static Map<String, String> finalCustomers(RunResult run) {
        Map<String, String> customerOf = new TreeMap<>();
        run.assignments().forEach(a -> customerOf.put(a.get("node").asText(), a.get("customerId").asText()));
        return customerOf;
    }

    private static List<String> sortedIds(List<JsonNode> events) {
        return events.stream().map(e -> e.get("eventId").asText()).sorted().toList();
    }

    private static SortedMap<String, Long> countPerStore(List<JsonNode> events, String type) {
        SortedMap<String, Long> counts = new TreeMap<>();
        events.stream().filter(e -> e.get("type").asText().equals(type))
                .forEach(e -> counts.merge(e.get("storeId").asText(), 1L, Long::sum));
        return counts;
    }

    private static long field(String line, String name) {
        for (String field : line.split(" ")[1].split(",")) {
            if (field.startsWith(name + "=")) {
                return Long.parseLong(field.substring(name.length() + 1, field.length() - 1));
            }
        }
        throw new AssertionError("no field " + name + " in " + line);
    }

    private static List<JsonNode> jsonLines(Path dir, String prefix) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines(dir, prefix)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static List<String> lines(Path dir, String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }
}
