package io.o2o.analytics.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.LocalMetricFrame;
import io.o2o.analytics.records.StoreSensorEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Zone presence where the fence file positions the beacons: a 60 m x 20 m store with three zones side by side,
 * west (x 0-20 m), middle (20-40) and east (40-60), and beacons at the centres of the west and the east zone
 * only, (10, 10) and (50, 10). Both beacons hear the device every 30 s. With the simulator's path loss (2.5),
 * beacon signals -60 and -65 dBm put it at x = 21.4 m, 1.4 m into the middle zone; -60 and -60 at x = 30 m.
 */
class WeightedPositionTest {
    private static final String STORE = "st";
    private static final String WEST = "st-west";
    private static final String MIDDLE = "st-middle";
    private static final String EAST = "st-east";
    private static final Instant OPENING = Instant.parse("2026-03-07T02:00:00Z");
    private static final Duration EVERY = Duration.ofSeconds(30);
    private static final LocalMetricFrame FRAME = LocalMetricFrame.centredOn(31.23, 121.47);
    private static final FenceCatalog FENCES = fences();

    private static String ring(double x0, double y0, double x1, double y1) {
        double[][] corners = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
        List<String> positions = new ArrayList<>();
        for (double[] c : corners) {
            positions.add(point(c[0], c[1]));
        }
        return "[[" + String.join(",", positions) + "]]";
    }

    private static String point(double x, double y) {
        double[] latLon = FRAME.toLatLon(x, y);
        return String.format(Locale.ROOT, "[%.9f,%.9f]", latLon[1], latLon[0]);
    }

    private static String zone(String id, double x0, double x1) {
        return "{\"type\":\"Feature\",\"properties\":{\"type\":\"zone\",\"id\":\"" + id + "\",\"storeId\":\"st\","
                + "\"kind\":\"aisle\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" + ring(x0, 0, x1, 20) + "}}";
    }

    private static String beacon(String zone, double x) {
        return "{\"type\":\"Feature\",\"properties\":{\"type\":\"sensor\",\"id\":\"" + zone + "-beacon\","
                + "\"storeId\":\"st\",\"zoneId\":\"" + zone + "\",\"kind\":\"ble_beacon\",\"rssiAt1mDbm\":-40},"
                + "\"geometry\":{\"type\":\"Point\",\"coordinates\":" + point(x, 10) + "}}";
    }

    private static FenceCatalog fences() {
        String store = "{\"type\":\"Feature\",\"properties\":{\"type\":\"store\",\"id\":\"st\",\"nearBufferM\":20,"
                + "\"capacity\":50},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" + ring(0, 0, 60, 20) + "}}";
        String collection = "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", store,
                zone(WEST, 0, 20), zone(MIDDLE, 20, 40), zone(EAST, 40, 60), beacon(WEST, 10), beacon(EAST, 50)) + "]}";
        try {
            return FenceCatalog.fromGeoJson(collection, "three-zones.geojson");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long at(Duration sinceOpening) {
        return OPENING.plus(sinceOpening).toEpochMilli();
    }

    /** From {@code from} (inclusive) to {@code to} (exclusive), every 30 s, the west beacon at {@code west} and the east at {@code east}. */
    private static List<StoreSensorEvent> heard(int west, Integer east, Duration from, Duration to) {
        List<StoreSensorEvent> readings = new ArrayList<>();
        for (Duration t = from; t.compareTo(to) < 0; t = t.plus(EVERY)) {
            readings.add(reading(WEST, west, t));
            if (east != null) {
                readings.add(reading(EAST, east, t));
            }
        }
        return readings;
    }

    private static StoreSensorEvent reading(String zone, int rssi, Duration when) {
        return new StoreSensorEvent(zone + "-beacon", STORE, zone, ZoneRules.BLE_BEACON, "device", rssi, null, null,
                at(when));
    }

    private static List<ZoneVisit> run(ZoneRules rules, List<StoreSensorEvent> readings) throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ZonePresence(rules, FENCES)), ZonePresence::deviceOf, Types.STRING)) {
            harness.open();
            for (StoreSensorEvent reading : readings) {
                harness.processElement(reading, reading.ts());
                harness.processWatermark(new Watermark(reading.ts() - 60_000));
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(harness.numKeyedStateEntries()).as("state left behind").isZero();
            return harness.extractOutputValues();
        }
    }

    private static List<StoreSensorEvent> concat(List<StoreSensorEvent> first, List<StoreSensorEvent> second) {
        List<StoreSensorEvent> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void aDeviceBetweenTwoBeaconsIsPlacedInTheZoneBetweenThemWhichHasNoBeacon() throws Exception {
        // Heard as strongly by both beacons: the strongest signal would say west (ties to the first zone id, and
        // no beacon speaks for the middle); the weighted position says the middle.
        List<ZoneVisit> visits = run(ZoneRules.defaults(), concat(
                heard(-50, -75, Duration.ZERO, Duration.ofMinutes(5)),
                heard(-60, -60, Duration.ofMinutes(5), Duration.ofMinutes(15))));

        assertThat(visits).extracting(ZoneVisit::zoneId, ZoneVisit::enteredAt, ZoneVisit::exitedAt).containsExactly(
                // The 60 s means still hold the west readings at 05:00 (x = 13.6 m); from 05:30 only equal ones.
                tuple(WEST, at(Duration.ZERO), at(Duration.ofMinutes(5).plusSeconds(30))),
                tuple(MIDDLE, at(Duration.ofMinutes(5).plusSeconds(30)), at(Duration.ofMinutes(14).plusSeconds(30))));
    }

    @Test
    void aPositionStrayingLessThanTheMarginIntoTheNextZoneSwitchesNothing() throws Exception {
        List<StoreSensorEvent> readings = concat(
                heard(-50, -75, Duration.ZERO, Duration.ofMinutes(5)),
                heard(-60, -65, Duration.ofMinutes(5), Duration.ofMinutes(15)));

        assertThat(run(ZoneRules.defaults(), readings)).extracting(ZoneVisit::zoneId).containsExactly(WEST);
        // Without the margin, 1.4 m into the middle zone for ten minutes is a move there.
        assertThat(run(ZoneRules.defaults().withPositioning(0, 2.5), readings)).extracting(ZoneVisit::zoneId)
                .containsExactly(WEST, MIDDLE);
    }

    @Test
    void aDeviceHeardByOneBeaconFollowsTheStrongestSignal() throws Exception {
        // One beacon gives a distance, not a position: the zone is the beacon's, however weak.
        List<ZoneVisit> visits = run(ZoneRules.defaults(), heard(-80, null, Duration.ZERO, Duration.ofMinutes(5)));

        assertThat(visits).extracting(ZoneVisit::zoneId, ZoneVisit::readings).containsExactly(tuple(WEST, 10));
    }
}
