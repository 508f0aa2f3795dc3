package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;

/** The ground truth describes what the customers' journeys promise, and the sensors agree with it. */
class SimulatedJourneysTest {
    private static final long MINUTE = 60_000;

    @Test
    void visitsLastSixToFortyFiveMinutesInsideTheWindow() {
        GroundTruth truth = SimulationFixtures.small().truth();

        assertThat(truth.visits()).hasSizeGreaterThan(100).allSatisfy(visit -> {
            assertThat(visit.dwellMillis()).isBetween(6 * MINUTE, 45 * MINUTE);
            assertThat(visit.enterMillis()).isGreaterThanOrEqualTo(truth.settings().startMillis());
            assertThat(visit.exitMillis()).isLessThanOrEqualTo(truth.settings().endMillis());
        });
    }

    @Test
    void everyCustomerJourneyHasTheTruthItPromises() {
        CitySimulator simulator = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings());
        Map<JourneyKind, Integer> seen = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            CustomerOutcome outcome = simulator.customer(i);
            JourneyKind journey = outcome.customer().journey();
            seen.merge(journey, 1, Integer::sum);
            switch (journey) {
                case STORE_VISITOR, O2O_VISITOR -> {
                    assertThat(outcome.visits()).as("visits of %s", outcome.customer()).hasSize(1);
                    assertThat(outcome.entries()).hasSize(1);
                    assertThat(outcome.passBys()).noneMatch(p -> p.storeId().equals(outcome.visits().get(0).storeId()));
                }
                case WALK_THROUGH -> {
                    assertThat(outcome.visits()).isEmpty();
                    assertThat(outcome.entries()).singleElement().satisfies(entry -> {
                        assertThat(entry.exitMillis() - entry.enterMillis()).isBetween(30_000L, 90_000L);
                        // No qualifying visit, so the store counts it as a pass-by.
                        assertThat(outcome.passBys()).anyMatch(p -> p.storeId().equals(entry.storeId()));
                    });
                }
                case PASSER_BY -> {
                    // The true path never enters a footprint, yet comes within a near-buffer.
                    assertThat(outcome.entries()).isEmpty();
                    assertThat(outcome.visits()).isEmpty();
                    assertThat(outcome.passBys()).isNotEmpty();
                }
                case ONLINE_ONLY -> {
                    assertThat(outcome.entries()).isEmpty();
                    assertThat(outcome.passBys()).isEmpty();
                    assertThat(outcome.records()).noneMatch(r -> r.topic() == InputTopic.LBS_PINGS);
                }
            }
            assertThat(outcome.conversion() != null).isEqualTo(journey == JourneyKind.O2O_VISITOR);
            if (journey != JourneyKind.STORE_VISITOR) {
                assertThat(outcome.offlineToOnline()).isNull();
            }
            if (journey != JourneyKind.O2O_VISITOR) {
                assertThat(outcome.customer().secondRawDeviceId()).isNull();
            }
        }
        assertThat(seen).containsOnlyKeys(JourneyKind.values());
    }

    @Test
    void aPasserByIsNeverInsideAStoreAndAVisitorIsInsideForTheWholeVisit() {
        CitySimulator simulator = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings());
        CityMap city = new CityMap(sampleCity());
        int passersBy = 0;
        int visitors = 0;
        for (int i = 0; i < 120; i++) {
            CustomerOutcome outcome = simulator.customer(i);
            Trajectory walk = outcome.walk();
            if (outcome.customer().journey() == JourneyKind.PASSER_BY) {
                passersBy++;
                for (long t = walk.start(); t <= walk.end(); t += 1000) {
                    Coordinate at = walk.at(t);
                    assertThat(city.sites()).noneMatch(site -> site.footprint().covers(at));
                }
            } else if (!outcome.visits().isEmpty()) {
                visitors++;
                TrueVisit visit = outcome.visits().get(0);
                CityMap.StoreSite store = city.site(visit.storeId());
                // The door itself is on the wall, where rounding may put it a hair outside: sample between.
                for (long t = visit.enterMillis() + 500; t < visit.exitMillis(); t += 1000) {
                    assertThat(store.footprint().covers(walk.at(t))).isTrue();
                }
                assertThat(store.footprint().covers(walk.at(visit.enterMillis() - 1000))).isFalse();
                assertThat(store.footprint().covers(walk.at(visit.exitMillis() + 1000))).isFalse();
            }
        }
        assertThat(passersBy).isGreaterThan(20);
        assertThat(visitors).isGreaterThan(40);
    }

    @Test
    void mostFixesOfAVisitorDuringTheVisitAreInsideTheStore() {
        Simulation simulation = SimulationFixtures.small();
        FenceIndex fences = FenceIndex.build(sampleCity());
        Map<String, List<TrueVisit>> visitsByDevice = new HashMap<>();
        simulation.truth().visits().forEach(v -> visitsByDevice.computeIfAbsent(v.rawDeviceId(), d -> new ArrayList<>()).add(v));

        int inside = 0;
        int during = 0;
        for (RawRecord record : SimulationFixtures.genuine(simulation)) {
            if (record.topic() != InputTopic.LBS_PINGS) {
                continue;
            }
            JsonNode ping = SimulationFixtures.json(record.value());
            long ts = SimulationFixtures.eventTime(ping);
            for (TrueVisit visit : visitsByDevice.getOrDefault(ping.get("deviceId").asText(), List.of())) {
                if (ts >= visit.enterMillis() && ts <= visit.exitMillis()) {
                    during++;
                    if (fences.proximity(visit.storeId(), ping.get("lat").asDouble(), ping.get("lon").asDouble()).inside()) {
                        inside++;
                    }
                }
            }
        }
        assertThat(during).isGreaterThan(1000);
        assertThat((double) inside / during).isGreaterThan(0.8);
    }

    @Test
    void conversionsEngageTenToNinetyMinutesBeforeTheVisitAndBuyDuringIt() {
        GroundTruth truth = SimulationFixtures.small().truth();
        Map<String, TrueVisit> visitByCustomer = new HashMap<>();
        truth.visits().forEach(v -> visitByCustomer.put(v.customerId(), v));

        assertThat(truth.conversions()).hasSizeGreaterThan(20).allSatisfy(conversion -> {
            TrueVisit visit = visitByCustomer.get(conversion.customerId());
            assertThat(visit.storeId()).isEqualTo(conversion.storeId());
            assertThat(conversion.visitEnterMillis()).isEqualTo(visit.enterMillis());
            assertThat(Duration.ofMillis(conversion.visitEnterMillis() - conversion.engagedMillis()))
                    .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(90));
            assertThat(conversion.engagedMillis()).isGreaterThanOrEqualTo(truth.settings().startMillis());
            if (conversion.purchaseMillis() != null) {
                assertThat(conversion.purchaseMillis()).isBetween(visit.enterMillis(), visit.exitMillis());
                assertThat(conversion.amount()).isPositive();
            }
        });
        assertThat(truth.conversions()).anyMatch(c -> c.purchaseMillis() != null);
    }

    @Test
    void tillReceiptsFallInsideAVisitToTheirStore() {
        Simulation simulation = SimulationFixtures.small();
        List<TrueVisit> visits = simulation.truth().visits();
        List<RawRecord> receipts = SimulationFixtures.genuine(simulation).stream()
                .filter(r -> r.topic() == InputTopic.POS_TRANSACTIONS)
                .toList();

        assertThat(receipts).hasSizeGreaterThan(10).allSatisfy(record -> {
            JsonNode receipt = SimulationFixtures.json(record.value());
            long ts = SimulationFixtures.eventTime(receipt);
            String storeId = receipt.get("storeId").asText();
            assertThat(visits).anyMatch(v -> v.storeId().equals(storeId) && ts >= v.enterMillis() && ts <= v.exitMillis());
        });
    }
}
