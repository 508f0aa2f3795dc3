package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The truth of zone stays: where phones with Bluetooth on stood, what their beacon readings reflect. */
class SimulatedZoneStaysTest {
    private static final int CUSTOMERS = 300;
    /** Beacons are heard every 30 s ± 30 %, the first within 30 s of the entry: never 39 s apart. */
    private static final long LONGEST_BEACON_GAP_MILLIS = 39_000;

    @Test
    void zoneStaysLieInsideTheCustomersStoreEntriesInTimeOrder() {
        CitySimulator simulator = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings());
        int withStays = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
            CustomerOutcome outcome = simulator.customer(i);
            Customer customer = outcome.customer();
            List<TrueZoneStay> stays = outcome.zoneStays();
            if (!customer.bluetoothOn()) {
                assertThat(stays).as("stays of %s, Bluetooth off", customer.customerId()).isEmpty();
                continue;
            }
            withStays += stays.isEmpty() ? 0 : 1;
            TrueZoneStay previous = null;
            for (TrueZoneStay stay : stays) {
                assertThat(stay.customerId()).isEqualTo(customer.customerId());
                assertThat(stay.mac()).isEqualTo(customer.mac());
                assertThat(stay.zoneId()).startsWith(stay.storeId() + "-");
                assertThat(stay.exitMillis()).isGreaterThanOrEqualTo(stay.enterMillis());
                assertThat(outcome.entries()).as("entry around %s", stay).anyMatch(entry ->
                        entry.storeId().equals(stay.storeId())
                                && entry.enterMillis() <= stay.enterMillis() && stay.exitMillis() <= entry.exitMillis());
                if (previous != null) {
                    assertThat(stay.enterMillis()).as("after %s", previous).isGreaterThan(previous.exitMillis());
                }
                previous = stay;
            }
        }
        assertThat(withStays).isGreaterThan(50);
    }

    @Test
    void everyBeaconScanFallsInATrueStayOfOneOfItsZonesAndEveryLongStayIsHeard() {
        CitySimulator simulator = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings());
        int readings = 0;
        int longStays = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
            CustomerOutcome outcome = simulator.customer(i);
            List<TrueZoneStay> stays = outcome.zoneStays();
            List<JsonNode> beacons = outcome.records().stream()
                    .filter(r -> r.topic() == InputTopic.STORE_SENSORS)
                    .map(RawRecord::value)
                    .map(SimulationFixtures::json)
                    .filter(json -> json.get("kind").asText().equals("ble_beacon"))
                    .toList();
            // A scan is heard by the beacon of the zone the customer stands in, and by those of other zones
            // within range: one reading of each scan is of a true stay's zone.
            java.util.Map<Long, List<JsonNode>> scans = new java.util.TreeMap<>();
            for (JsonNode beacon : beacons) {
                assertThat(beacon.get("deviceHash").asText()).isEqualTo(outcome.customer().mac());
                scans.computeIfAbsent(SimulationFixtures.eventTime(beacon), t -> new java.util.ArrayList<>()).add(beacon);
            }
            for (java.util.Map.Entry<Long, List<JsonNode>> scan : scans.entrySet()) {
                long ts = scan.getKey();
                assertThat(stays).as("a stay in one of %s at %d for %s", scan.getValue(), ts,
                                outcome.customer().customerId())
                        .anyMatch(s -> scan.getValue().stream().anyMatch(beacon ->
                                s.zoneId().equals(beacon.get("zoneId").asText())
                                        && s.storeId().equals(beacon.get("storeId").asText())
                                        && s.enterMillis() <= ts && ts <= s.exitMillis()));
                readings++;
            }
            for (TrueZoneStay stay : stays) {
                if (stay.dwellMillis() > LONGEST_BEACON_GAP_MILLIS) {
                    longStays++;
                    assertThat(beacons).as("a beacon reading in %s", stay).anyMatch(b -> {
                        long ts = SimulationFixtures.eventTime(b);
                        return b.get("zoneId").asText().equals(stay.zoneId())
                                && stay.enterMillis() <= ts && ts <= stay.exitMillis();
                    });
                }
            }
        }
        assertThat(readings).isGreaterThan(1000);
        assertThat(longStays).isGreaterThan(100);
    }

    @Test
    void theSameSeedGivesTheSameZoneStaysAndTheFileListsThem() {
        GroundTruth first = SimulationFixtures.small().truth();
        GroundTruth second = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings()).run().truth();
        assertThat(second.zoneStays()).isEqualTo(first.zoneStays()).hasSizeGreaterThan(100);
        assertThat(second.toJson(SimulationFixtures.JSON)).isEqualTo(first.toJson(SimulationFixtures.JSON));

        JsonNode file = first.toJson(SimulationFixtures.JSON);
        assertThat(file.get("summary").get("zoneStays").asInt()).isEqualTo(first.zoneStays().size());
        JsonNode stay = file.get("zoneStays").get(0);
        TrueZoneStay expected = first.zoneStays().get(0);
        assertThat(stay.get("zoneId").asText()).isEqualTo(expected.zoneId());
        assertThat(stay.get("mac").asText()).isEqualTo(expected.mac());
        assertThat(stay.get("enterMillis").asLong()).isEqualTo(expected.enterMillis());
        assertThat(stay.get("dwellMillis").asLong()).isEqualTo(expected.dwellMillis());
        assertThat(first.zoneStaysPerZone().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(first.zoneStays().size());
    }

    @Test
    void anotherSeedGivesOtherZoneStays() {
        GroundTruth other = new CitySimulator(sampleCity(), SimulationFixtures.smallSettings().withSeed(7)).run().truth();
        assertThat(other.zoneStays()).isNotEqualTo(SimulationFixtures.small().truth().zoneStays());
    }
}
