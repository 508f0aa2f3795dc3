package io.o2o.analytics.simulator;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A deterministic, seeded city: customers walking past and into the stores of a fence catalogue, browsing
 * online, paying at tills, and the records all of it produces, together with the truth the engine should find
 * in them (docs/simulator.md).
 *
 * <p>The same fences and settings always give byte-identical records and truth. Customers are simulated
 * independently, each from a random stream of its own, so customer 7 does the same whether there are 100
 * customers or 2000; the store door counters and the broken records, which depend on everyone, come last.
 */
public final class CitySimulator {
    private final FenceCatalog fences;
    private final SimulationSettings settings;
    private final CityMap city;

    public CitySimulator(FenceCatalog fences, SimulationSettings settings) {
        this.fences = Objects.requireNonNull(fences, "fences");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.city = new CityMap(fences);
    }

    public Simulation run() {
        JourneySimulator journeys = new JourneySimulator(city, settings);
        // Customers are independent, so they can be played in parallel; the ordered collect keeps the output
        // in customer order, hence deterministic.
        List<CustomerOutcome> outcomes = IntStream.range(0, settings.customers())
                .parallel()
                .mapToObj(journeys::simulate)
                .toList();

        List<RawRecord> genuine = new ArrayList<>();
        List<TrueEntry> entries = new ArrayList<>();
        List<TrueVisit> visits = new ArrayList<>();
        List<TruePassBy> passBys = new ArrayList<>();
        List<TrueConversion> conversions = new ArrayList<>();
        List<TrueOfflineToOnline> offlineToOnline = new ArrayList<>();
        List<TrueIdentity> identities = new ArrayList<>();
        List<TrueZoneStay> zoneStays = new ArrayList<>();
        Map<String, Integer> journeyCounts = new TreeMap<>();
        for (JourneyKind kind : JourneyKind.values()) {
            journeyCounts.put(kind.name().toLowerCase(Locale.ROOT), 0);
        }
        for (CustomerOutcome outcome : outcomes) {
            genuine.addAll(outcome.records());
            entries.addAll(outcome.entries());
            visits.addAll(outcome.visits());
            passBys.addAll(outcome.passBys());
            identities.addAll(outcome.identities());
            zoneStays.addAll(outcome.zoneStays());
            if (outcome.conversion() != null) {
                conversions.add(outcome.conversion());
            }
            if (outcome.offlineToOnline() != null) {
                offlineToOnline.add(outcome.offlineToOnline());
            }
            journeyCounts.merge(outcome.customer().journey().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        List<TrueStaff> staff = new ArrayList<>();
        List<TrueZoneStay> staffZoneStays = new ArrayList<>();
        for (int store = 0; store < city.sites().size(); store++) {
            for (int member = 0; member < settings.staffPerStore(); member++) {
                StaffShifts.Outcome shifts = StaffShifts.simulate(city, settings, store, member);
                if (shifts != null) {
                    staff.add(shifts.staff());
                    genuine.addAll(shifts.records());
                    staffZoneStays.addAll(shifts.zoneStays());
                }
            }
        }
        // Door counters count customers only: staff come in through the staff door.
        genuine.addAll(DoorCounters.readings(city, settings, entries));
        genuine.addAll(OfferRuleChanges.records(settings));

        List<BadRecordInjector.Injection> injections = BadRecordInjector.inject(settings, fences, genuine);
        List<RawRecord> records = new ArrayList<>(genuine.size() + injections.size());
        records.addAll(genuine);
        List<InjectedBadRecord> badRecords = new ArrayList<>(injections.size());
        for (BadRecordInjector.Injection injection : injections) {
            records.add(injection.record());
            badRecords.add(injection.truth());
        }
        // List.sort is stable: records arriving in the same millisecond keep the order in which they were made.
        records.sort(Comparator.comparingLong(RawRecord::timestampMillis));

        Map<InputTopic, Long> perTopic = new EnumMap<>(InputTopic.class);
        for (RawRecord record : records) {
            perTopic.merge(record.topic(), 1L, Long::sum);
        }
        List<String> storeIds = fences.stores().stream().map(StoreFence::id).toList();
        GroundTruth truth = new GroundTruth(
                settings, storeIds, visits, passBys, entries, badRecords, conversions, offlineToOnline, identities,
                new TreeMap<>(journeyCounts), perTopic, zoneStays, staff, staffZoneStays);
        return new Simulation(records, truth);
    }

    /** One customer's journey, exactly as {@link #run()} plays it: for tests of independence and for debugging. */
    CustomerOutcome customer(int index) {
        return new JourneySimulator(city, settings).simulate(index);
    }
}
