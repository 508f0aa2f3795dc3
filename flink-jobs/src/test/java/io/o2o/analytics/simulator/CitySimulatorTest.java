package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.RawRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CitySimulatorTest {
    private static final SimulationSettings HUNDRED = SimulationSettings.builder().customers(100).badRecordRate(0.01).build();

    @Test
    void theSameSeedGivesByteIdenticalRecordsAndTruth(@TempDir Path dir) throws Exception {
        Simulation first = new CitySimulator(sampleCity(), HUNDRED).run();
        Simulation second = new CitySimulator(sampleCity(), HUNDRED).run();

        assertThat(second.records()).isEqualTo(first.records());
        assertThat(second.truth()).isEqualTo(first.truth());
        // The new habits are part of what repeats: second devices, phones linked at the till, browsing after a visit.
        assertThat(first.truth().offlineToOnline()).isNotEmpty();
        CitySimulator simulator = new CitySimulator(sampleCity(), HUNDRED);
        assertThat(IntStream.range(0, 100).mapToObj(i -> simulator.customer(i).customer()))
                .anyMatch(Customer::twoDevices)
                .anyMatch(Customer::linksPhoneAtTill);
        first.truth().writeJson(dir.resolve("first.json"));
        second.truth().writeJson(dir.resolve("second.json"));
        assertThat(Files.readAllBytes(dir.resolve("second.json"))).isEqualTo(Files.readAllBytes(dir.resolve("first.json")));
    }

    @Test
    void anotherSeedGivesAnotherCity() {
        Simulation seed42 = new CitySimulator(sampleCity(), HUNDRED).run();
        Simulation seed43 = new CitySimulator(sampleCity(), HUNDRED.withSeed(43)).run();

        assertThat(seed43.records()).isNotEqualTo(seed42.records());
        assertThat(seed43.truth().visits()).isNotEqualTo(seed42.truth().visits());
    }

    @Test
    void aCustomerDoesTheSameWhateverTheNumberOfCustomers() {
        SimulationSettings noBadRecords = HUNDRED.withBadRecordRate(0);
        CitySimulator hundred = new CitySimulator(sampleCity(), noBadRecords);
        CitySimulator twoHundred = new CitySimulator(sampleCity(), noBadRecords.withCustomers(200));

        for (int index : new int[] {0, 7, 99}) {
            assertThat(twoHundred.customer(index)).as("customer %d", index).isEqualTo(hundred.customer(index));
        }
        Customer seven = hundred.customer(7).customer();
        assertThat(recordsOf(seven, twoHundred.run())).isNotEmpty().isEqualTo(recordsOf(seven, hundred.run()));
    }

    @Test
    void recordsAreInKafkaArrivalOrder() {
        List<RawRecord> records = SimulationFixtures.small().records();

        assertThat(records).isSortedAccordingTo((a, b) -> Long.compare(a.timestampMillis(), b.timestampMillis()));
    }

    @Test
    void genuineRecordsArriveUpToThirtySecondsAfterTheirEventTime() {
        Simulation simulation = SimulationFixtures.small();
        SimulationSettings settings = simulation.truth().settings();

        List<RawRecord> genuine = SimulationFixtures.genuine(simulation);
        assertThat(genuine).allSatisfy(record -> {
            assertThat(SimulationFixtures.delayMillis(record)).isBetween(0L, RecordSink.MAX_DELAY_MILLIS);
            long eventTime = SimulationFixtures.eventTime(SimulationFixtures.json(record.value()));
            assertThat(eventTime).isBetween(settings.startMillis(), settings.endMillis());
        });
        // Out of event-time order, as Kafka really delivers phone uploads.
        long outOfOrder = 0;
        long latestEventTime = Long.MIN_VALUE;
        for (RawRecord record : genuine) {
            long eventTime = SimulationFixtures.eventTime(SimulationFixtures.json(record.value()));
            outOfOrder += eventTime < latestEventTime ? 1 : 0;
            latestEventTime = Math.max(latestEventTime, eventTime);
        }
        assertThat(outOfOrder).isGreaterThan(genuine.size() / 10);
    }

    @Test
    void everyJourneyOfTheMixAppears() {
        GroundTruth truth = SimulationFixtures.small().truth();

        assertThat(truth.journeys()).containsOnlyKeys(
                "store_visitor", "o2o_visitor", "passer_by", "walk_through", "online_only");
        assertThat(truth.journeys().values()).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(truth.journeys().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(300);
        // 35 % store visitors of 300, give or take the luck of the draw.
        assertThat(truth.journeys().get("store_visitor")).isBetween(80, 130);
    }

    /** Everything that names one of the customer's identifiers. */
    private static List<RawRecord> recordsOf(Customer customer, Simulation simulation) {
        return simulation.records().stream()
                .filter(r -> r.value().contains(customer.rawDeviceId())
                        || r.value().contains(customer.mac())
                        || r.value().contains("\"" + customer.customerId().replace("c-", "u-") + "\"")
                        || r.value().contains("\"" + customer.customerId().replace("c-", "m-") + "\""))
                .toList();
    }
}
