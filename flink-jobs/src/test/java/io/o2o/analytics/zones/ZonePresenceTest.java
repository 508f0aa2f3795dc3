package io.o2o.analytics.zones;

import io.o2o.analytics.testing.EarlierStateLayouts;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.o2o.analytics.records.StoreSensorEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A device in store {@code sh-001}, between the entrance and the cosmetics zone, each with its beacon. Readings
 * come as the simulator sends them: each zone's beacon about every 30 s, the two beacons 15 s apart.
 */
class ZonePresenceTest {
    private static final String DEVICE = "device-a";
    private static final String STORE = "sh-001";
    private static final String OTHER_STORE = "sh-002";
    private static final String ENTRANCE = "sh-001-entrance";
    private static final String COSMETICS = "sh-001-cosmetics";

    private static final Instant OPENING = Instant.parse("2026-03-07T02:00:00Z");
    private static final Duration ARRIVAL = Duration.ZERO;
    private static final Duration BEACON_EVERY = Duration.ofSeconds(30);
    private static final Duration OTHER_BEACON_OFFSET = Duration.ofSeconds(15);
    private static final Duration STAY = Duration.ofMinutes(10);
    /** How far behind the latest reading the watermark runs: the job's default bounded out-of-orderness. */
    private static final Duration WATERMARK_BOUND = Duration.ofSeconds(60);

    private static final int CLOSE = -55;
    private static final int FAR = -75;

    private static long at(Duration sinceOpening) {
        return OPENING.plus(sinceOpening).toEpochMilli();
    }

    private static StoreSensorEvent reading(String store, String zone, String kind, Integer rssi, Duration when) {
        return new StoreSensorEvent(zone + "-" + kind, store, zone, kind, DEVICE, rssi, null, null, at(when));
    }

    private static StoreSensorEvent beacon(String zone, int rssi, Duration when) {
        return reading(STORE, zone, ZoneRules.BLE_BEACON, rssi, when);
    }

    private static StoreSensorEvent probe(String zone, int rssi, Duration when) {
        return reading(STORE, zone, ZoneRules.WIFI_PROBE, rssi, when);
    }

    /** One reading every {@code every} from {@code from} to {@code to} inclusive, made by {@code heard}. */
    private static List<StoreSensorEvent> every(
            Duration every, Duration from, Duration to, Function<Duration, StoreSensorEvent> heard) {
        List<StoreSensorEvent> readings = new ArrayList<>();
        for (Duration t = from; t.compareTo(to) <= 0; t = t.plus(every)) {
            readings.add(heard.apply(t));
        }
        return readings;
    }

    /**
     * The device heard by {@code zone}'s beacon at {@code rssi} (at {@code from}, then every 30 s) and by
     * {@code otherZone}'s at {@code otherRssi} (15 s later each time), until {@code to}.
     */
    private static List<StoreSensorEvent> beacons(
            String zone, int rssi, String otherZone, int otherRssi, Duration from, Duration to) {
        List<StoreSensorEvent> readings = new ArrayList<>(every(BEACON_EVERY, from, to, t -> beacon(zone, rssi, t)));
        readings.addAll(
                every(BEACON_EVERY, from.plus(OTHER_BEACON_OFFSET), to, t -> beacon(otherZone, otherRssi, t)));
        return inEventTime(readings);
    }

    /** Close to the entrance's beacon (-50 dBm) from arrival, close to the cosmetics' from {@code move} on. */
    private static List<StoreSensorEvent> movingFromTheEntranceToCosmetics(Duration move) {
        List<StoreSensorEvent> readings = new ArrayList<>(
                beacons(ENTRANCE, -50, COSMETICS, FAR, ARRIVAL, move.minusSeconds(1)));
        readings.addAll(beacons(ENTRANCE, FAR, COSMETICS, -50, move, move.plus(STAY)));
        return inEventTime(readings);
    }

    private static List<StoreSensorEvent> inEventTime(List<StoreSensorEvent> readings) {
        List<StoreSensorEvent> sorted = new ArrayList<>(readings);
        sorted.sort(Comparator.comparingLong(StoreSensorEvent::ts));
        return sorted;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreSensorEvent, ZoneVisit> harness()
            throws Exception {
        return harness(ZoneRules.defaults());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreSensorEvent, ZoneVisit> harness(
            ZoneRules rules) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ZonePresence(rules)),
                ZonePresence::deviceOf,
                Types.STRING);
    }

    /** Feeds the readings in the order given, the watermark following the latest reading by the bound. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, StoreSensorEvent, ZoneVisit> harness,
            List<StoreSensorEvent> arrivals) throws Exception {
        long latest = Long.MIN_VALUE;
        for (StoreSensorEvent reading : arrivals) {
            harness.processElement(reading, reading.ts());
            latest = Math.max(latest, reading.ts());
            harness.processWatermark(new Watermark(latest - WATERMARK_BOUND.toMillis()));
        }
    }

    /** The zone visits of the readings, arriving in that order, once the device has gone; no state is left. */
    private static List<ZoneVisit> run(List<StoreSensorEvent> arrivals) throws Exception {
        return run(ZoneRules.defaults(), arrivals);
    }

    private static List<ZoneVisit> run(ZoneRules rules, List<StoreSensorEvent> arrivals) throws Exception {
        try (var harness = harness(rules)) {
            harness.open();
            feed(harness, arrivals);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(harness.numKeyedStateEntries()).as("state left behind").isZero();
            assertThat(harness.numEventTimeTimers()).as("timers left behind").isZero();
            return harness.extractOutputValues();
        }
    }

    private static Duration dwell(ZoneVisit visit) {
        return Duration.ofMillis(visit.dwellMillis());
    }

    @Test
    void aDeviceStandingInOneZoneMakesOneZoneVisitWithItsDwell() throws Exception {
        List<StoreSensorEvent> readings = beacons(ENTRANCE, CLOSE, COSMETICS, FAR, ARRIVAL, ARRIVAL.plus(STAY));

        List<ZoneVisit> visits = run(readings);

        assertThat(visits).singleElement().satisfies(visit -> {
            assertThat(visit.zoneId()).isEqualTo(ENTRANCE);
            assertThat(visit.storeId()).isEqualTo(STORE);
            assertThat(visit.deviceId()).isEqualTo(DEVICE);
            assertThat(visit.enteredAt()).isEqualTo(at(ARRIVAL));
            assertThat(visit.exitedAt()).isEqualTo(at(ARRIVAL.plus(STAY)));
            assertThat(dwell(visit)).isEqualTo(STAY);
            assertThat(visit.readings()).isEqualTo(readings.size());
            assertThat(visit.eventId()).isEqualTo(STORE + ":zone:" + ENTRANCE + ":" + DEVICE + ":" + at(ARRIVAL));
        });
    }

    @Test
    void aDeviceFlickeringBetweenTwoAdjacentZonesMakesOneZoneVisit() throws Exception {
        // Standing at the border: each beacon alternates between -58 and -62 dBm, in opposite phase, so the
        // strongest reading flips from one zone to the other every 30 s, by 4 dB.
        List<StoreSensorEvent> readings = new ArrayList<>();
        for (int i = 0; i * 15 <= STAY.toSeconds(); i++) {
            Duration t = Duration.ofSeconds(i * 15L);
            boolean strong = (i / 2) % 2 == (i % 2);
            readings.add(beacon(i % 2 == 0 ? ENTRANCE : COSMETICS, strong ? -58 : -62, t));
        }

        List<ZoneVisit> visits = run(readings);

        assertThat(visits).singleElement().satisfies(visit -> {
            assertThat(visit.zoneId()).isEqualTo(ENTRANCE);
            assertThat(dwell(visit)).isEqualTo(STAY);
            assertThat(visit.readings()).isEqualTo(readings.size());
        });
    }

    @Test
    void everyZoneEntryIsAnnouncedWhenDecidedDatedWhenItBegan() throws Exception {
        List<StoreSensorEvent> readings = movingFromTheEntranceToCosmetics(Duration.ofMinutes(5));
        try (var harness = harness()) {
            harness.open();
            feed(harness, readings);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<ZoneVisit> visits = harness.extractOutputValues();
            assertThat(harness.getSideOutput(ZonePresence.ENTRIES)).extracting(r -> r.getValue())
                    .containsExactly(
                            ZoneSignal.enteredBy(visits.get(0).deviceId(), STORE, ENTRANCE, visits.get(0).enteredAt()),
                            ZoneSignal.enteredBy(visits.get(0).deviceId(), STORE, COSMETICS, visits.get(1).enteredAt()));
        }
    }

    @Test
    void aReadingBehindTheWatermarkIsALateDeadLetter() throws Exception {
        try (var harness = harness()) {
            harness.open();
            harness.processWatermark(new Watermark(at(ARRIVAL.plusMinutes(10))));
            harness.processElement(beacon(ENTRANCE, -55, ARRIVAL), at(ARRIVAL));
            assertThat(harness.getSideOutput(ZonePresence.LATE_READINGS)).singleElement().satisfies(r -> {
                assertThat(r.getValue().reason()).isEqualTo("late_event");
                assertThat(r.getValue().topic()).isEqualTo("store-sensors");
                assertThat(r.getValue().excerpt()).contains(ENTRANCE).contains("\"rssi\":-55");
            });
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aRealMoveMakesTwoZoneVisitsSwitchingWhenTheOtherZoneClearlyTookOver() throws Exception {
        Duration move = Duration.ofMinutes(5);
        List<StoreSensorEvent> readings = movingFromTheEntranceToCosmetics(move);

        List<ZoneVisit> visits = run(readings);

        // The 60 s means lag the move: at 5:30 the entrance's two readings are both far (-75) while the
        // cosmetics' are one far, one close (-62.5), 12.5 dB stronger; it stays ahead at 5:45 and 6:00 (20 s
        // hold), so the device moved at 5:30.
        Duration switchAt = move.plusSeconds(30);
        assertThat(visits).extracting(ZoneVisit::zoneId).containsExactly(ENTRANCE, COSMETICS);
        ZoneVisit entrance = visits.get(0);
        ZoneVisit cosmetics = visits.get(1);
        assertThat(entrance.enteredAt()).isEqualTo(at(ARRIVAL));
        assertThat(entrance.exitedAt()).isEqualTo(at(switchAt));
        assertThat(cosmetics.enteredAt()).isEqualTo(at(switchAt));
        assertThat(cosmetics.exitedAt()).isEqualTo(readings.get(readings.size() - 1).ts());
        assertThat(entrance.readings())
                .isEqualTo(readings.stream().filter(r -> r.ts() < at(switchAt)).count());
        assertThat(entrance.readings() + cosmetics.readings()).isEqualTo(readings.size());
    }

    @Test
    void smoothingIgnoresASingleOutlierReading() throws Exception {
        // Close to the entrance, whose beacon hears the device every 10 s; the cosmetics' every 30 s.
        Duration reflection = Duration.ofMinutes(5).plus(OTHER_BEACON_OFFSET);
        List<StoreSensorEvent> readings = new ArrayList<>(
                every(Duration.ofSeconds(10), ARRIVAL, STAY, t -> beacon(ENTRANCE, CLOSE, t)));
        // One reflected packet: the far beacon heard 15 dB stronger than the near one. As the latest cosmetics
        // reading it would lead for 30 s, longer than the switch hold; in the 60 s mean (-57.5) it never leads.
        readings.addAll(every(BEACON_EVERY, OTHER_BEACON_OFFSET, STAY,
                t -> beacon(COSMETICS, t.equals(reflection) ? -40 : FAR, t)));

        List<ZoneVisit> visits = run(inEventTime(readings));

        assertThat(visits).extracting(ZoneVisit::zoneId).containsExactly(ENTRANCE);
        assertThat(dwell(visits.get(0))).isEqualTo(STAY);
    }

    @Test
    void aDetourShorterThanTheSwitchHoldIsNoZoneVisit() throws Exception {
        // Two minutes at the cosmetics counter, then back to the entrance.
        Duration detour = Duration.ofMinutes(5);
        Duration back = detour.plusMinutes(2);
        List<StoreSensorEvent> readings = new ArrayList<>(
                beacons(ENTRANCE, -50, COSMETICS, FAR, ARRIVAL, detour.minusSeconds(1)));
        readings.addAll(beacons(ENTRANCE, FAR, COSMETICS, -50, detour, back.minusSeconds(1)));
        readings.addAll(beacons(ENTRANCE, -50, COSMETICS, FAR, back, back.plus(STAY)));
        readings = inEventTime(readings);
        ZoneRules defaults = ZoneRules.defaults();
        ZoneRules threeMinuteHold = new ZoneRules(defaults.smoothingWindow(), defaults.hysteresisDb(),
                Duration.ofMinutes(3), defaults.exitTimeout(), defaults.locatingKinds(), defaults.coarseKinds());

        assertThat(run(defaults, readings)).extracting(ZoneVisit::zoneId)
                .containsExactly(ENTRANCE, COSMETICS, ENTRANCE);
        assertThat(run(threeMinuteHold, readings)).extracting(ZoneVisit::zoneId).containsExactly(ENTRANCE);
    }

    @Test
    void theExitTimeoutClosesTheZoneVisitAtTheLastReading() throws Exception {
        List<StoreSensorEvent> readings = beacons(ENTRANCE, CLOSE, COSMETICS, FAR, ARRIVAL, ARRIVAL.plus(STAY));
        long lastReading = readings.get(readings.size() - 1).ts();
        long exitTimeout = ZoneRules.defaults().exitTimeout().toMillis();

        try (var harness = harness()) {
            harness.open();
            feed(harness, readings);
            harness.processWatermark(new Watermark(lastReading + exitTimeout - 1));
            assertThat(harness.extractOutputValues()).as("still in the zone").isEmpty();

            harness.processWatermark(new Watermark(lastReading + exitTimeout));
            assertThat(harness.extractOutputValues()).singleElement()
                    .satisfies(visit -> assertThat(visit.exitedAt()).isEqualTo(lastReading));
            assertThat(harness.numKeyedStateEntries()).as("state of a device that left").isZero();
            assertThat(harness.numEventTimeTimers()).as("timers of a device that left").isZero();
        }
    }

    @Test
    void aSilenceShorterThanTheExitTimeoutDoesNotSplitTheZoneVisit() throws Exception {
        Duration silence = ZoneRules.defaults().exitTimeout().minusSeconds(10);
        Duration resume = Duration.ofMinutes(4).plus(silence);
        List<StoreSensorEvent> readings = new ArrayList<>(
                beacons(ENTRANCE, CLOSE, COSMETICS, FAR, ARRIVAL, Duration.ofMinutes(4)));
        readings.addAll(beacons(ENTRANCE, CLOSE, COSMETICS, FAR, resume, resume.plus(STAY)));

        assertThat(run(inEventTime(readings))).singleElement()
                .satisfies(visit -> assertThat(dwell(visit)).isEqualTo(resume.plus(STAY)));
    }

    @Test
    void aDeviceBackAfterTheExitTimeoutStartsAfreshWithoutTheReadingsOfItsLastVisit() throws Exception {
        // An exit timeout shorter than the smoothing window: the entrance readings would still be in it.
        ZoneRules defaults = ZoneRules.defaults();
        ZoneRules quickExit = new ZoneRules(defaults.smoothingWindow(), defaults.hysteresisDb(),
                defaults.minSwitchHold(), Duration.ofSeconds(30), defaults.locatingKinds(), defaults.coarseKinds());
        Duration back = Duration.ofSeconds(55);
        List<StoreSensorEvent> readings = new ArrayList<>(
                every(Duration.ofSeconds(10), ARRIVAL, Duration.ofSeconds(20), t -> beacon(ENTRANCE, -50, t)));
        readings.add(beacon(COSMETICS, -70, back));

        assertThat(run(quickExit, readings)).extracting(ZoneVisit::zoneId, ZoneVisit::enteredAt)
                .containsExactly(
                        tuple(ENTRANCE, at(ARRIVAL)),
                        tuple(COSMETICS, at(back)));
    }

    @Test
    void wifiProbesPlaceTheDeviceOnlyWhenNoBeaconHearsIt() throws Exception {
        Duration probesOnlyFrom = Duration.ofMinutes(20);
        // Beacons near the entrance; the store's access point, at its centre, hears it louder in cosmetics.
        List<StoreSensorEvent> readings = new ArrayList<>(
                beacons(ENTRANCE, CLOSE, COSMETICS, FAR, ARRIVAL, ARRIVAL.plus(STAY)));
        readings.addAll(every(Duration.ofMinutes(1), ARRIVAL, ARRIVAL.plus(STAY), t -> probe(COSMETICS, -45, t)));
        // Later a phone with Bluetooth off: only its probes are heard.
        readings.addAll(every(Duration.ofMinutes(1), probesOnlyFrom, probesOnlyFrom.plus(STAY),
                t -> probe(COSMETICS, -70, t)));

        List<ZoneVisit> visits = run(inEventTime(readings));

        assertThat(visits).extracting(ZoneVisit::zoneId, ZoneVisit::enteredAt, ZoneVisit::dwellMillis)
                .containsExactly(
                        tuple(ENTRANCE, at(ARRIVAL), STAY.toMillis()),
                        tuple(COSMETICS, at(probesOnlyFrom), STAY.toMillis()));
    }

    @Test
    void doorCountersAndReadingsWithoutSignalLeaveNoTrace() throws Exception {
        List<StoreSensorEvent> readings = List.of(
                new StoreSensorEvent("sh-001-door", STORE, ENTRANCE, "door_counter", null, null, 3, 1, at(ARRIVAL)),
                reading(STORE, ENTRANCE, ZoneRules.BLE_BEACON, null, ARRIVAL.plusSeconds(30)));

        assertThat(run(readings)).isEmpty();
    }

    @Test
    void theZoneVisitsDoNotDependOnArrivalOrderWithinTheWatermarkBound() throws Exception {
        List<StoreSensorEvent> inOrder = new ArrayList<>(movingFromTheEntranceToCosmetics(Duration.ofMinutes(5)));
        // Both beacons heard at the same instant, and the device later heard in a second store.
        inOrder.addAll(every(BEACON_EVERY, ARRIVAL, STAY, t -> beacon(COSMETICS, -80, t)));
        Duration nextStore = Duration.ofMinutes(30);
        inOrder.addAll(every(BEACON_EVERY, nextStore, nextStore.plus(STAY),
                t -> reading(OTHER_STORE, "sh-002-shoes", ZoneRules.WEARABLE, -60, t)));
        inOrder = inEventTime(inOrder);
        List<ZoneVisit> expected = run(inOrder);

        List<StoreSensorEvent> shuffled = new ArrayList<>(inOrder);
        // Swap some pairs of neighbours (at most 30 s apart): out of order, within the 60 s the watermark lags.
        Random random = new Random(11);
        for (int i = 1; i < shuffled.size(); i += 2) {
            if (random.nextBoolean()) {
                Collections.swap(shuffled, i - 1, i);
            }
        }
        assertThat(shuffled).isNotEqualTo(inOrder);
        assertThat(run(shuffled)).isEqualTo(expected);
        assertThat(expected).extracting(ZoneVisit::zoneId).containsExactly(ENTRANCE, COSMETICS, "sh-002-shoes");
    }

    @Test
    void aZoneVisitOpenAtASnapshotContinuesAfterTheRestore() throws Exception {
        List<StoreSensorEvent> readings = beacons(ENTRANCE, CLOSE, COSMETICS, FAR, ARRIVAL, ARRIVAL.plus(STAY));
        int half = readings.size() / 2;
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.open();
            feed(harness, readings.subList(0, half));
            assertThat(harness.extractOutputValues()).as("visit still open").isEmpty();
            snapshot = harness.snapshot(1L, 1L);
        }

        try (var restored = harness()) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, readings.subList(half, readings.size()));
            restored.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(restored.extractOutputValues()).isEqualTo(run(readings));
            assertThat(restored.extractOutputValues()).singleElement()
                    .satisfies(visit -> assertThat(visit.readings()).isEqualTo(readings.size()));
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    /** Zone presence as it was before one value per device: the zone stays in a state of their own. */
    private static final class PresenceOfSeparateStates extends KeyedProcessFunction<String, StoreSensorEvent, ZoneVisit> {
        private transient ValueState<Map<String, ZoneStay>> stays;

        @Override
        public void open(OpenContext openContext) {
            stays = getRuntimeContext().getState(new ValueStateDescriptor<>(ZonePresence.SEPARATE_STATES_GUARD,
                    Types.MAP(Types.STRING, TypeInformation.of(ZoneStay.class))));
        }

        @Override
        public void processElement(StoreSensorEvent reading, Context ctx, Collector<ZoneVisit> out) throws Exception {
            stays.update(Map.of(reading.storeId(), ZoneStay.enteredAt(reading.zoneId(), reading.ts())));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointOfTheEarlierStateLayoutIsRefusedNotStartedAfresh(String backend) throws Exception {
        StateBackend stateBackend = EarlierStateLayouts.backend(backend);
        OperatorSubtaskState snapshot;
        StoreSensorEvent heard = beacon("z-a", -60, Duration.ZERO);
        try (var old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PresenceOfSeparateStates()), ZonePresence::deviceOf, Types.STRING)) {
            old.setStateBackend(stateBackend);
            old.open();
            old.processElement(heard, heard.ts());
            snapshot = old.snapshot(1L, 1L);
        }
        try (var restored = harness()) {
            restored.setStateBackend(stateBackend);
            restored.initializeState(snapshot);
            // Zone stays lost silently would make their zone visits vanish.
            EarlierStateLayouts.assertRefused(restored::open);
        }
    }
}
