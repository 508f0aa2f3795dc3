package io.o2o.analytics.simulator;

import io.o2o.analytics.ingest.DeadLetterReason;
import static io.o2o.analytics.simulator.SimulationFixtures.json;
import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.ingest.IdentifierHasher;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.offers.OfferRuleParser;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The records follow the engine's input contract, and the broken ones break it exactly as the truth says. */
class SimulatedRecordsTest {
    private static final Set<String> SOURCES = Set.of("gps", "wifi", "cell");
    private static final Set<String> SENSOR_KINDS = Set.of("wifi_probe", "ble_beacon", "wearable", "door_counter");
    private static final Set<String> CHANNELS = Set.of("app", "wechat", "weibo", "web", "mini_program");
    private static final Set<String> ACTIONS = Set.of("view", "cart", "coupon_claim", "order", "login");
    private static final Set<String> IDENTITY_KINDS = Set.of("user", "member", "device", "phone", "wechat", "weibo");

    @Test
    void everyGenuineRecordHasTheFieldsOfItsTopic() {
        List<RawRecord> genuine = SimulationFixtures.genuine(SimulationFixtures.small());
        Set<String> stores = sampleCity().stores().stream().map(StoreFence::id).collect(Collectors.toSet());

        assertThat(genuine.stream().map(RawRecord::topic).distinct()).containsExactlyInAnyOrder(InputTopic.values());
        for (RawRecord record : genuine) {
            JsonNode json = json(record.value());
            assertThat(json.get("ts").isTextual() || json.get("ts").isIntegralNumber()).as(record.value()).isTrue();
            switch (record.topic()) {
                case LBS_PINGS -> {
                    assertThat(record.key()).isEqualTo(json.get("deviceId").asText());
                    assertThat(json.get("lat").asDouble()).isBetween(31.0, 31.5);
                    assertThat(json.get("lon").asDouble()).isBetween(121.2, 121.7);
                    assertThat(json.get("accuracyM").asDouble()).isBetween(5.0, 1500.0);
                    assertThat(json.get("source").asText()).isIn(SOURCES);
                    if (json.has("userId")) {
                        assertThat(json.get("userId").asText()).matches("u-\\d{6}");
                    }
                }
                case STORE_SENSORS -> {
                    assertThat(record.key()).isEqualTo(json.get("storeId").asText()).isIn(stores);
                    assertThat(json.get("sensorId").asText()).startsWith(record.key());
                    assertThat(json.get("zoneId").asText()).isNotBlank();
                    assertThat(json.get("kind").asText()).isIn(SENSOR_KINDS);
                    if (json.get("kind").asText().equals("door_counter")) {
                        assertThat(json.get("in").asInt()).isNotNegative();
                        assertThat(json.get("out").asInt()).isNotNegative();
                    } else {
                        assertThat(json.get("deviceHash").asText()).matches("a4:5e:60(:[0-9a-f]{2}){3}");
                        assertThat(json.get("rssi").asInt()).isBetween(-90, -40);
                    }
                }
                case ONLINE_EVENTS -> {
                    assertThat(record.key()).isEqualTo(json.get("userId").asText()).matches("u-\\d{6}");
                    assertThat(json.get("channel").asText()).isIn(CHANNELS);
                    assertThat(json.get("action").asText()).isIn(ACTIONS);
                    if (json.has("storeId")) {
                        assertThat(json.get("storeId").asText()).isIn(stores);
                    }
                }
                case POS_TRANSACTIONS -> {
                    assertThat(record.key()).isEqualTo(json.get("storeId").asText()).isIn(stores);
                    assertThat(json.get("txId").asText()).isNotBlank();
                    assertThat(json.get("amount").asDouble()).isPositive();
                    assertThat(json.get("items")).isNotEmpty().allSatisfy(item -> {
                        assertThat(item.get("sku").asText()).matches("sku-\\d{5}");
                        assertThat(item.get("qty").asInt()).isPositive();
                    });
                }
                case IDENTITY_LINKS -> {
                    assertThat(record.key()).isEqualTo(json.get("a").asText());
                    for (String side : List.of("a", "b")) {
                        String[] kindAndId = json.get(side).asText().split(":", 2);
                        assertThat(kindAndId[0]).isIn(IDENTITY_KINDS);
                        assertThat(kindAndId[1]).isNotBlank();
                    }
                }
                case MARKETING_PREFERENCES -> {
                    assertThat(record.key()).isEqualTo(json.get("identifier").asText()).startsWith("member:");
                    assertThat(json.get("consent").asText()).isIn("opt_in", "opt_out");
                }
                case OFFER_RULES -> assertThat(record.key()).isEqualTo(json.get("id").asText());
            }
        }
    }

    @Test
    void timestampsAreIsoStringsMostlyAndEpochMillisSometimes() {
        List<RawRecord> genuine = SimulationFixtures.genuine(SimulationFixtures.small());
        long epochMillis = genuine.stream().filter(r -> json(r.value()).get("ts").isNumber()).count();

        assertThat(epochMillis).isBetween(genuine.size() / 50L, genuine.size() / 3L);
        assertThat(genuine).filteredOn(r -> json(r.value()).get("ts").isTextual()).allSatisfy(r ->
                assertThat(json(r.value()).get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }

    @Test
    void doorCountersCountExactlyTheTrueCrossingsEveryMinute() {
        Simulation simulation = SimulationFixtures.small();
        GroundTruth truth = simulation.truth();
        SortedMap<String, Long> ins = new TreeMap<>();
        SortedMap<String, Long> outs = new TreeMap<>();
        Map<String, Integer> readings = new HashMap<>();
        for (RawRecord record : SimulationFixtures.genuine(simulation)) {
            JsonNode json = json(record.value());
            if (record.topic() == InputTopic.STORE_SENSORS && json.get("kind").asText().equals("door_counter")) {
                ins.merge(json.get("storeId").asText(), json.get("in").asLong(), Long::sum);
                outs.merge(json.get("storeId").asText(), json.get("out").asLong(), Long::sum);
                readings.merge(json.get("storeId").asText(), 1, Integer::sum);
            }
        }

        assertThat(ins).isEqualTo(truth.entriesPerStore());
        assertThat(outs).isEqualTo(truth.entriesPerStore());
        assertThat(readings.values()).containsOnly(120); // one a minute for two hours
        assertThat(truth.entries()).hasSizeGreaterThan(truth.visits().size());
    }

    @Test
    void badRecordsMakeUpTheConfiguredShareWithEveryReason() {
        Simulation simulation = SimulationFixtures.small();
        GroundTruth truth = simulation.truth();
        double share = (double) truth.badRecords().size() / simulation.records().size();

        assertThat(share).isCloseTo(0.02, within(0.0005));
        // The drawn reasons, and the one misspelt rule change of the marketer.
        assertThat(truth.badRecordsPerReason().keySet()).containsExactlyElementsOf(java.util.stream.Stream.concat(
                        BadRecordInjector.INJECTED.stream(), java.util.stream.Stream.of(DeadLetterReason.INVALID_RULE))
                .map(DeadLetterReason::code).sorted().toList());
        assertThat(truth.badRecordsPerReason()).containsEntry(DeadLetterReason.INVALID_RULE.code(), 1L);
        assertThat(truth.badRecordsPerReason().values()).allSatisfy(count -> assertThat(count).isPositive());
        Map<String, Long> values = simulation.records().stream()
                .collect(Collectors.groupingBy(r -> r.topic() + r.value(), Collectors.counting()));
        assertThat(truth.badRecords()).allSatisfy(bad ->
                assertThat(values).containsKey(bad.topic() + bad.value()));
    }

    @Test
    void atTheDefaultRateAboutTwoRecordsInAThousandAreBroken() {
        Simulation simulation = new CitySimulator(sampleCity(), SimulationSettings.builder().customers(100).build()).run();

        assertThat((double) simulation.truth().badRecords().size() / simulation.records().size())
                .isCloseTo(SimulationSettings.DEFAULT_BAD_RECORD_RATE, within(0.0002));
    }

    @Test
    void theEngineParsesEveryGenuineRecordAndRejectsEveryBrokenOneForItsReason() {
        Simulation simulation = SimulationFixtures.small();
        InputParser parser = new InputParser(
                new IdentifierHasher("a simulator test key, 32 bytes..".getBytes(StandardCharsets.UTF_8)),
                sampleCity().stores().stream().map(StoreFence::id).collect(Collectors.toSet()),
                Duration.ofMinutes(10),
                InputParser.DEFAULT_MAX_PAST_AGE,
                new OfferRuleParser(sampleCity(), Duration.ofDays(3)));
        Map<String, String> reasons = new HashMap<>();
        for (InjectedBadRecord bad : simulation.truth().badRecords()) {
            // Copies sent again: only a keyed stage can tell the copy from the original.
            if (!bad.expectedReason().equals(DeadLetterReason.LATE_EVENT.code())
                    && !bad.expectedReason().equals(DeadLetterReason.DUPLICATE_EVENT.code())) {
                reasons.put(bad.topic() + bad.value(), bad.expectedReason());
            }
        }

        for (RawRecord record : simulation.records()) {
            Ingested parsed = parser.parse(record);
            String expected = reasons.get(record.topic() + record.value());
            if (expected == null) {
                // Genuine, or a copy sent again: only the watermark or the receipt's id can tell that one.
                assertThat(parsed.isDeadLetter()).as(record.value()).isFalse();
            } else {
                assertThat(parsed.isDeadLetter()).as(record.value()).isTrue();
                assertThat(parsed.deadLetter().reason()).as(record.value()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aLateEventIsAGenuinePingSentAgainFifteenMinutesAfterItsEventTime() {
        Simulation simulation = SimulationFixtures.small();
        List<InjectedBadRecord> late = simulation.truth().badRecords().stream()
                .filter(b -> b.expectedReason().equals(DeadLetterReason.LATE_EVENT.code()))
                .toList();

        assertThat(late).isNotEmpty().allSatisfy(bad -> {
            assertThat(bad.topic()).isEqualTo(InputTopic.LBS_PINGS);
            List<RawRecord> copies = simulation.records().stream().filter(r -> r.value().equals(bad.value())).toList();
            assertThat(copies).hasSizeGreaterThanOrEqualTo(2);
            assertThat(copies.get(0).timestampMillis() - SimulationFixtures.eventTime(json(bad.value())))
                    .isLessThanOrEqualTo(RecordSink.MAX_DELAY_MILLIS);
            assertThat(copies.get(copies.size() - 1).timestampMillis() - SimulationFixtures.eventTime(json(bad.value())))
                    .isBetween(Duration.ofMinutes(15).toMillis(), Duration.ofMinutes(15).toMillis() + 5_000);
        });
    }
}
