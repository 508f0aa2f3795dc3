package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static io.o2o.analytics.job.OutputFiles.engineDeviceMinutes;
import static io.o2o.analytics.job.OutputFiles.field;
import static io.o2o.analytics.job.OutputFiles.jsonLines;
import static io.o2o.analytics.job.OutputFiles.lines;
import static io.o2o.analytics.job.OutputFiles.number;
import static io.o2o.analytics.job.OutputFiles.trueDeviceMinutes;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.ingest.IdentifierHasher;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.GroundTruth;
import io.o2o.analytics.simulator.InjectedBadRecord;
import io.o2o.analytics.simulator.OfferRuleChanges;
import io.o2o.analytics.simulator.Simulation;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.simulator.TrueConversion;
import io.o2o.analytics.simulator.TrueZoneStay;
import io.o2o.analytics.testing.TestHashKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
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

    private static final String HASH_KEY = "integration-test-key-0123456789abcdef";

    @TempDir
    static Path outputs;

    private static RunResult atParallelism2;

    record RunResult(
            List<JsonNode> visits,
            List<JsonNode> liveMoments,
            List<JsonNode> deadLetters,
            List<String> metrics,
            List<JsonNode> assignments,
            List<JsonNode> conversions,
            List<JsonNode> profileUpdates,
            List<JsonNode> offerDecisions,
            List<JsonNode> geoOffers,
            Simulation simulation) {

        GroundTruth truth() {
            return simulation.truth();
        }
    }

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
        JobSetup setup = JobSetup.of(TestHashKeys.withKeyFile(options, HASH_KEY), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = setup.flinkConfiguration();
        // A test must fail, not restart forever.
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(flink);
        env.setParallelism(parallelism);
        setup.job().execute(env);
        return new RunResult(
                jsonLines(dir, "visits-"), jsonLines(dir, "live-moments-"), jsonLines(dir, "dead-letters-"), lines(dir, "metrics-"),
                jsonLines(dir, "customer-assignments-"), jsonLines(dir, "o2o-conversions-"),
                jsonLines(dir, "profile-updates-"), jsonLines(dir, "offer-audit-"), jsonLines(dir, "geo-offers-"),
                setup.simulation());
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

    /**
     * The live path applies each device's pings as they arrive. The simulator delivers a few of them behind a newer
     * fix of their device (upload delays of up to 30 s, re-sent copies): those devices may get a live moment a ping
     * later than the final one, or another. Every other device's live moments are its final decisions, with the same
     * ids and times, only without waiting for the watermark (and without the customer, attributed downstream).
     */
    @Test
    void liveMomentsAreTheFinalDecisionsOfEveryDeviceWhosePingsCameInOrder() throws Exception {
        Map<String, List<String>> decided = byDevice(atParallelism2.visits().stream()
                .filter(v -> !v.get("type").asText().equals(StoreVisitEvent.REATTRIBUTED)).toList());
        Map<String, List<String>> live = byDevice(atParallelism2.liveMoments());
        Set<String> outOfOrder = devicesWithPingsArrivingOutOfOrder(atParallelism2.simulation());

        Set<String> differing = new TreeSet<>();
        Set<String> devices = new TreeSet<>(decided.keySet());
        devices.addAll(live.keySet());
        for (String device : devices) {
            if (!decided.getOrDefault(device, List.of()).equals(live.getOrDefault(device, List.of()))) {
                differing.add(device);
            }
        }
        long inOrderDecisions = decided.entrySet().stream().filter(e -> !outOfOrder.contains(e.getKey()))
                .mapToLong(e -> e.getValue().size()).sum();
        assertThat(inOrderDecisions).as("decisions of devices whose pings all came in order").isGreaterThan(500);
        assertThat(differing).as("devices whose live moments differ from their final decisions")
                .isSubsetOf(outOfOrder);
        long liveCount = live.values().stream().mapToLong(List::size).sum();
        long decidedCount = decided.values().stream().mapToLong(List::size).sum();
        assertThat((double) liveCount).isCloseTo(decidedCount, within(decidedCount * 0.02));
        assertThat(atParallelism2.liveMoments()).allSatisfy(m -> assertThat(m.get("customerId").isNull()).isTrue());
    }

    private static Map<String, List<String>> byDevice(List<JsonNode> decisions) {
        Map<String, List<String>> byDevice = new TreeMap<>();
        for (JsonNode decision : decisions) {
            byDevice.computeIfAbsent(decision.get("deviceId").asText(), d -> new ArrayList<>())
                    .add(withoutCustomer(decision));
        }
        byDevice.values().forEach(list -> list.sort(null));
        return byDevice;
    }

    /** Hashed ids of the devices with a ping that arrives after a later ping of theirs, in the simulation's order. */
    private static Set<String> devicesWithPingsArrivingOutOfOrder(Simulation simulation) throws Exception {
        IdentifierHasher hasher = new IdentifierHasher(HASH_KEY.getBytes(StandardCharsets.UTF_8));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Long> newest = new HashMap<>();
        Set<String> outOfOrder = new TreeSet<>();
        for (RawRecord record : simulation.records()) {
            if (record.topic() != InputTopic.LBS_PINGS) {
                continue;
            }
            JsonNode ping;
            try {
                ping = json.readTree(record.value());
            } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
                continue;
            }
            JsonNode device = ping.get("deviceId");
            JsonNode ts = ping.get("ts");
            if (device == null || !device.isTextual() || ts == null) {
                continue;
            }
            long at;
            try {
                at = ts.isNumber() ? ts.asLong() : java.time.Instant.parse(ts.asText()).toEpochMilli();
            } catch (java.time.format.DateTimeParseException unparsable) {
                continue;
            }
            String hashed = hasher.hashDevice(device.asText());
            Long before = newest.get(hashed);
            if (before != null && at <= before) {
                outOfOrder.add(hashed);
            }
            newest.merge(hashed, at, Math::max);
        }
        return outOfOrder;
    }

    private static String withoutCustomer(JsonNode decision) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = decision.deepCopy();
        copy.remove("customerId");
        return copy.toString();
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
            String reason = deadLetter.get("reason").asText();
            // A ping re-sent 15 minutes later is late if the original was processed by then, and a duplicate if
            // it overtook the original (the watermark lagged): which, depends on timing; that it is one, does not.
            // (A till receipt sent twice is always a duplicate.)
            if (reason.equals("duplicate_event") && deadLetter.get("topic").asText().equals("lbs-pings")) {
                reason = "late_event";
            }
            actual.merge(reason, 1L, Long::sum);
            assertThat(deadLetter.get("excerpt").asText()).isNotEmpty();
        }
        expected.values().removeIf(count -> count == 0);
        assertThat(expected).containsKeys("late_event", "timestamp_too_old", "duplicate_event", "malformed_json");
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
        // No identifier in a tag or field: no hashed id, no user, member or device identifier.
        assertThat(atParallelism2.metrics()).noneMatch(line -> line.matches(".*[0-9a-f]{32}.*")
                || line.contains("user") || line.contains("device:") || line.matches(".*\\b[um]-\\d{6}.*"));
    }

    @Test
    void doorCountsAreTheTrueCrossingsAndThePhonesAccountForMostOfThem() {
        List<String> occupancy = atParallelism2.metrics().stream()
                .filter(line -> line.startsWith("store_occupancy,")).toList();
        long doorIn = occupancy.stream().mapToLong(line -> field(line, "door_in")).sum();
        long doorOut = occupancy.stream().mapToLong(line -> field(line, "door_out")).sum();
        long trueEntries = atParallelism2.truth().entries().size();
        assertThat(doorIn).isEqualTo(trueEntries).isPositive();
        assertThat(doorOut).isEqualTo(trueEntries);
        // Every simulated walker shares the phone's location, so the phones inside follow the door count but for
        // walk-throughs too short to confirm an entry (docs/visit-detection.md).
        long phoneEntries = countPerStore(atParallelism2.visits(), StoreVisitEvent.ENTER).values().stream()
                .mapToLong(Long::longValue).sum();
        assertThat((double) phoneEntries / doorIn).isBetween(0.85, 1.0);
    }

    @Test
    void customersAreExactlyTheIdentifierGroupsTheEvidenceConnects() {
        IdentifierHasher hasher =
                new IdentifierHasher(HASH_KEY.getBytes(StandardCharsets.UTF_8));
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

    /**
     * The engine's {@code zone_activity} against the truth's zone stays of phones with Bluetooth on, per zone over
     * the run. The truth is exact; the engine sees beacons about every 30 s, smooths them over 60 s and switches
     * zone only after a 20 s hold, and it also places phones heard only by Wi-Fi. So the comparison is made where
     * it is fair, with tolerances measured on this run (docs/simulator.md, "Zone stays"):
     * <ul>
     *   <li>Entrance zones are left out: most true entrance stays are a few seconds' walk through the door, which
     *       no beacon hears, while Wi-Fi probes of a phone standing outside every zone name the entrance (the
     *       store's default zone), so the engine's entrance visits are of another kind.
     *   <li>"Settled" stays, of two minutes or more, are the ones the engine must find: by then at least three
     *       beacon readings have come, the 60 s mean has caught up and the 20 s hold has passed. Shorter stays
     *       (walking past a shelf) are found or not depending on where the readings fall.
     *   <li>Wi-Fi-only phones (Wi-Fi on 80 %, Bluetooth on 60 %, drawn independently: 0.32 / 0.6 = 0.53 of them per
     *       Bluetooth phone) make zone visits of their own, from their probes, which the truth leaves out.
     * </ul>
     */
    @Test
    void zoneVisitsAndDwellMatchTheTrueZoneStays() {
        final long settled = 120_000;
        final double wifiOnlyPerBluetoothPhone = 0.8 * 0.4 / 0.6;
        SortedMap<String, double[]> engine = new TreeMap<>(); // zone -> {visits, dwell seconds}
        for (String line : atParallelism2.metrics()) {
            if (line.startsWith("zone_activity,")) {
                String zone = OutputFiles.zoneOf(line);
                long visits = field(line, "visits");
                double[] sums = engine.computeIfAbsent(zone, z -> new double[2]);
                sums[0] += visits;
                sums[1] += visits > 0 ? number(line, "mean_s") * visits : 0;
            }
        }
        SortedMap<String, double[]> truth = new TreeMap<>(); // zone -> {settled stays, their dwell seconds}
        for (TrueZoneStay stay : atParallelism2.truth().zoneStays()) {
            double[] sums = truth.computeIfAbsent(stay.zoneId(), z -> new double[2]);
            if (stay.dwellMillis() >= settled) {
                sums[0]++;
                sums[1] += stay.dwellMillis() / 1000.0;
            }
        }
        double[] engineTotal = new double[2];
        double[] truthTotal = new double[2];
        java.util.Set<String> zones = new java.util.TreeSet<>(engine.keySet());
        zones.addAll(truth.keySet());
        zones.removeIf(zone -> zone.endsWith("-entrance"));
        int comparedDwell = 0;
        for (String zone : zones) {
            double[] e = engine.getOrDefault(zone, new double[2]);
            double[] t = truth.getOrDefault(zone, new double[2]);
            for (int i = 0; i < 2; i++) {
                engineTotal[i] += e[i];
                truthTotal[i] += t[i];
            }
            // Every settled stay is a zone visit (measured: in every zone). One per zone may go: two stays in a zone
            // around a detour to the next one shorter than a switch needs are one visit for the engine.
            assertThat(e[0]).as("zone visits in %s", zone).isGreaterThanOrEqualTo(t[0] - 1);
            if (t[0] >= 5) {
                // Measured: 10 zones, -33 % (sh-015-aisle, 526 s against 784 s) to +6 %; the engine's share of
                // Wi-Fi-only and short visits varies by zone, and where a neighbouring zone's beacon also hears the
                // phone a visit can be cut in two.
                double trueMean = t[1] / t[0];
                assertThat(e[1] / e[0]).as("mean zone dwell (s) in %s", zone).isCloseTo(trueMean, within(trueMean * 0.35));
                comparedDwell++;
            }
        }
        double expectedVisits = truthTotal[0] * (1 + wifiOnlyPerBluetoothPhone);

        double engineMean = engineTotal[1] / engineTotal[0];
        double trueMean = truthTotal[1] / truthTotal[0];
        assertThat(truthTotal[0]).isGreaterThan(100);
        assertThat(comparedDwell).isGreaterThanOrEqualTo(5);
        // Measured 268 against 248 (+8 %; 162 settled stays): the short stays the engine happens to find, a visit
        // split where two zones' beacons hear the phone, and the sampling noise of the phone shares.
        assertThat(engineTotal[0]).isCloseTo(expectedVisits, within(expectedVisits * 0.15));
        // Measured 891 s against 995 s (-10 %): a visit starts at the reading that places or switches the device (a
        // switch 30-60 s after the true move, the 60 s mean catching up and the 20 s hold) and ends at its last
        // reading (up to 39 s before the exit); Wi-Fi-only visits, a probe a minute and two to switch, lose more.
        assertThat(engineMean).isCloseTo(trueMean, within(trueMean * 0.15));
    }

    /**
     * The engine's zone occupancy ({@code zone_activity.occupancy}, the devices in the zone at the end of each
     * minute, a point every minute while above zero) against the occupancy of the true zone stays, as
     * device-minutes per zone over the run: a stay counts once for each minute end it spans. Entrance zones are
     * left out, and Wi-Fi-only phones are expected on top, as for the zone visits above; the engine's occupancy
     * starts late (a switch 30-60 s after the move) and ends at the last reading, as its dwell does.
     */
    @Test
    void zoneOccupancyMatchesTheOccupancyOfTheTrueZoneStays() {
        final double wifiOnlyPerBluetoothPhone = 0.8 * 0.4 / 0.6;
        SortedMap<String, Long> engine = engineDeviceMinutes(atParallelism2.metrics(), Long.MIN_VALUE, Long.MAX_VALUE);
        SortedMap<String, Long> truth = trueDeviceMinutes(atParallelism2.truth().zoneStays(), Long.MIN_VALUE, Long.MAX_VALUE);
        engine.keySet().removeIf(zone -> zone.endsWith("-entrance"));
        truth.keySet().removeIf(zone -> zone.endsWith("-entrance"));
        double engineTotal = engine.values().stream().mapToLong(Long::longValue).sum();
        double expectedTotal = truth.values().stream().mapToLong(Long::longValue).sum() * (1 + wifiOnlyPerBluetoothPhone);
        assertThat(expectedTotal).isGreaterThan(1000);
        // Measured 3,983 device-minutes against 4,152 expected (-4 %): late switches and early ends take a minute
        // or so off each visit, the short stays and the Wi-Fi-only visits the engine finds put some back.
        assertThat(engineTotal).isCloseTo(expectedTotal, within(expectedTotal * 0.1));
        int compared = 0;
        for (Map.Entry<String, Long> zone : truth.entrySet()) {
            double expected = zone.getValue() * (1 + wifiOnlyPerBluetoothPhone);
            if (expected >= 100) {
                // Measured in the 13 such zones: -41 % (sh-025-aisle) to +35 % (sh-003-aisle); the share of
                // Wi-Fi-only phones among a zone's few dozen visitors is what varies most.
                assertThat((double) engine.getOrDefault(zone.getKey(), 0L)).as("device-minutes in %s", zone.getKey())
                        .isCloseTo(expected, within(expected * 0.5));
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(10);
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
        assertThat(conversionsById(four)).isEqualTo(conversionsById(single)).isEqualTo(conversionsById(atParallelism2))
                .isNotEmpty();
        assertThat(sortedIds(four.profileUpdates(), "updateId")).isEqualTo(sortedIds(single.profileUpdates(), "updateId"))
                .isNotEmpty();
        assertThat(offerDecisions(four)).isEqualTo(offerDecisions(single)).isEqualTo(offerDecisions(atParallelism2))
                .isNotEmpty();
    }

    /**
     * Each offer decision, by offer id and outcome, without when it was decided: a moment sent again after a merge is
     * decided when the merge is known, and a merge made by evidence behind the watermark (a phone re-sending old
     * pings) is known just after the watermark, which depends on timing (docs/journeys.md). Who, what and why must
     * not.
     */
    private static Map<String, String> offerDecisions(RunResult run) {
        Map<String, String> byId = new TreeMap<>();
        run.offerDecisions().forEach(d -> {
            com.fasterxml.jackson.databind.node.ObjectNode decision = d.deepCopy();
            decision.remove(List.of("decidedAt", "redeemBy"));
            byId.put(d.get("offerId").asText() + ':' + d.get("outcome").asText(), decision.toString());
        });
        return byId;
    }

    @Test
    void theGeoOffersAreTheSentDecisionsAndNoneGoesToAMemberWhoOptedOut() throws Exception {
        Set<String> optedOut = new HashSet<>();
        List<InjectedBadRecord> badRecords = atParallelism2.truth().badRecords();
        for (RawRecord record : atParallelism2.simulation().records()) {
            if (record.topic() == InputTopic.MARKETING_PREFERENCES && record.value().contains("\"opt_out\"")
                    && badRecords.stream().noneMatch(bad -> bad.value().equals(record.value()))) {
                optedOut.add(OutputFiles.JSON.readTree(record.value()).get("identifier").asText());
            }
        }
        List<JsonNode> decisions = atParallelism2.offerDecisions();
        List<String> sent = decisions.stream().filter(d -> d.get("outcome").asText().equals("sent"))
                .map(d -> d.get("offerId").asText()).toList();

        assertThat(atParallelism2.geoOffers()).extracting(o -> o.get("offerId").asText())
                .containsExactlyInAnyOrderElementsOf(sent)
                .hasSizeGreaterThan(10);
        assertThat(optedOut).isNotEmpty();
        List<JsonNode> toOptedOut = decisions.stream()
                .filter(d -> !d.get("outcome").asText().equals("redeemed"))
                .filter(d -> OutputFiles.texts(d.get("recipients")).stream().anyMatch(optedOut::contains))
                .toList();
        assertThat(toOptedOut).isNotEmpty()
                .allSatisfy(d -> assertThat(d.get("outcome").asText()).isEqualTo("suppressed_consent"));
        assertThat(decisions).filteredOn(d -> d.get("outcome").asText().equals("suppressed_consent"))
                .allSatisfy(d -> assertThat(d.get("reason").asText()).contains("opted out of offers"));
    }

    @Test
    void aRuleAddedAndDeletedOnTheTopicDecidesOnlyBetweenTheTwoAndABadChangeLeavesItRunning() {
        SimulationSettings settings = atParallelism2.truth().settings();
        List<JsonNode> ofTheRule = atParallelism2.offerDecisions().stream()
                .filter(d -> d.get("ruleId").asText().equals(OfferRuleChanges.RULE_ID))
                .filter(d -> !d.get("outcome").asText().equals("redeemed"))
                .toList();
        assertThat(ofTheRule).isNotEmpty().allSatisfy(d -> assertThat(d.get("decidedAt").asLong())
                .isBetween(OfferRuleChanges.addedAt(settings), OfferRuleChanges.removedAt(settings) - 1));
        // Half-way, a misspelt version 2 was rejected as a dead letter: version 1 ran on to the deletion.
        assertThat(ofTheRule).extracting(d -> d.get("ruleVersion").asInt()).containsOnly(1);
        assertThat(ofTheRule).anySatisfy(d -> assertThat(d.get("decidedAt").asLong())
                .isGreaterThan((OfferRuleChanges.addedAt(settings) + OfferRuleChanges.removedAt(settings)) / 2));
        assertThat(atParallelism2.deadLetters()).filteredOn(d -> d.get("reason").asText().equals("invalid_rule"))
                .singleElement()
                .satisfies(d -> assertThat(d.get("detail").asText()).startsWith("rule.caps.perDay: unknown field"));
    }

    /** Each conversion whole, by id: who, where, which channel, which purchase. */
    private static Map<String, String> conversionsById(RunResult run) {
        Map<String, String> byId = new TreeMap<>();
        run.conversions().forEach(c -> byId.put(c.get("conversionId").asText(), c.toString()));
        return byId;
    }

    /** The truth's O2O visitors, by the hashed device and store of their visit, as the engine names them. */
    private static Map<String, TrueConversion> trueConversionsByVisit(RunResult run, IdentifierHasher hasher) {
        Map<String, String> deviceOfCustomer = new TreeMap<>();
        run.truth().visits().forEach(v -> deviceOfCustomer.put(v.customerId(), hasher.hashDevice(v.rawDeviceId())));
        Map<String, TrueConversion> byVisit = new TreeMap<>();
        for (TrueConversion conversion : run.truth().conversions()) {
            byVisit.put(deviceOfCustomer.get(conversion.customerId()) + '@' + conversion.storeId(), conversion);
        }
        return byVisit;
    }

    /** The hashed device and store of a conversion's visit (its id is store:visit:device:exit). */
    private static String visitKey(JsonNode conversion) {
        String[] visit = conversion.get("visitId").asText().split(":");
        return visit[2] + '@' + visit[0];
    }

    @Test
    void onlineToStoreConversionsAreTheIdentifiableJourneysOfTheGroundTruth() {
        IdentifierHasher hasher =
                new IdentifierHasher(HASH_KEY.getBytes(StandardCharsets.UTF_8));
        Map<String, TrueConversion> truth = trueConversionsByVisit(atParallelism2, hasher);
        List<JsonNode> found = atParallelism2.conversions().stream()
                .filter(c -> c.get("direction").asText().equals("online_to_store")).toList();
        long identifiable = truth.values().stream().filter(TrueConversion::identifiable).count();
        long notIdentifiable = truth.size() - identifiable;
        assertThat(identifiable).isGreaterThan(30);
        assertThat(notIdentifiable).as("two-device customers whose phone nothing links").isPositive();

        int matched = 0;
        int purchasesMatched = 0;
        for (JsonNode conversion : found) {
            TrueConversion expected = truth.get(visitKey(conversion));
            assertThat(expected).as("a conversion no customer truly made: %s", conversion).isNotNull();
            assertThat(expected.identifiable()).as("found although nothing links it: %s", conversion).isTrue();
            assertThat(conversion.get("channel").asText()).isEqualTo(expected.channel());
            // The engine's entry is the first of the confirming pings inside: noise near the door can delay it.
            assertThat(conversion.get("enteredAt").asLong()).isCloseTo(expected.visitEnterMillis(), within(180_000L));
            assertThat(conversion.get("onlineAt").asLong()).isEqualTo(expected.engagedMillis());
            matched++;
            if (!conversion.get("amount").isNull()) {
                assertThat(expected.purchaseIdentifiable()).as("purchase of %s", conversion).isTrue();
                assertThat(conversion.get("amount").asDouble()).isEqualTo(expected.amount());
                purchasesMatched++;
            }
        }
        // Tolerance: a visit the detector splits or misses (GPS noise, at most 5% of visits) loses its conversion.
        assertThat((double) matched).isCloseTo(identifiable, within(identifiable * 0.05));
        long purchases = truth.values().stream().filter(TrueConversion::purchaseIdentifiable).count();
        assertThat(purchases).isPositive();
        assertThat((double) purchasesMatched).isCloseTo(purchases, within(Math.max(1, purchases * 0.1)));
    }

    @Test
    void storeToOnlineJourneysAreTheGroundTruths() {
        long truth = atParallelism2.truth().offlineToOnline().size();
        long found = atParallelism2.conversions().stream()
                .filter(c -> c.get("direction").asText().equals("store_to_online")).count();
        assertThat(truth).isPositive();
        // Every simulated one is found; a visit the detector splits may start a second (at most 10% more).
        assertThat(found).isBetween(truth - truth / 10, truth + 1 + truth / 10);
    }

    @Test
    void theShareOfVisitsByKnownCustomersIsTheGroundTruths() {
        List<JsonNode> visits = atParallelism2.visits().stream()
                .filter(v -> v.get("type").asText().equals(StoreVisitEvent.VISIT)).toList();
        double known = visits.stream().filter(v -> !v.get("customerId").isNull()).count() / (double) visits.size();
        // A visit decided a few minutes before its device's link (a link at the till near the exit) is not yet known.
        assertThat(known).isCloseTo(atParallelism2.truth().knownVisitShare(), within(0.03));
        assertThat(atParallelism2.profileUpdates()).isNotEmpty().allSatisfy(update ->
                assertThat(update.get("identifiers").toString()).doesNotContain("device:").doesNotContain("phone:"));
    }

    private static Map<String, String> finalCustomers(RunResult run) {
        Map<String, String> customerOf = new TreeMap<>();
        run.assignments().forEach(a -> customerOf.put(a.get("node").asText(), a.get("customerId").asText()));
        return customerOf;
    }

    private static List<String> sortedIds(List<JsonNode> events) {
        return sortedIds(events, "eventId");
    }

    private static List<String> sortedIds(List<JsonNode> events, String field) {
        return events.stream().map(e -> e.get(field).asText()).sorted().toList();
    }

    private static SortedMap<String, Long> countPerStore(List<JsonNode> events, String type) {
        SortedMap<String, Long> counts = new TreeMap<>();
        events.stream().filter(e -> e.get("type").asText().equals(type))
                .forEach(e -> counts.merge(e.get("storeId").asText(), 1L, Long::sum));
        return counts;
    }

}
