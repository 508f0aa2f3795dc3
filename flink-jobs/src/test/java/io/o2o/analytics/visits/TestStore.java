package io.o2o.analytics.visits;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.LocalMetricFrame;
import io.o2o.analytics.records.LbsPing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One 60 m x 60 m store around a street corner in Shanghai, with a 40 m near-buffer, and helpers to place
 * pings by metres from its centre: x east, y north. The east wall is at x = 30.
 */
final class TestStore {
    static final String STORE_ID = "test-store";
    static final double HALF_WIDTH_M = 30;
    static final LocalMetricFrame FRAME = LocalMetricFrame.centredOn(31.2300, 121.4700);

    static final Instant OPENING = Instant.parse("2026-03-07T02:00:00Z");
    static final Duration PING_EVERY = Duration.ofSeconds(30);

    private TestStore() {}

    static FenceCatalog catalog() throws Exception {
        String ring = corner(-HALF_WIDTH_M, -HALF_WIDTH_M) + "," + corner(HALF_WIDTH_M, -HALF_WIDTH_M) + ","
                + corner(HALF_WIDTH_M, HALF_WIDTH_M) + "," + corner(-HALF_WIDTH_M, HALF_WIDTH_M) + ","
                + corner(-HALF_WIDTH_M, -HALF_WIDTH_M);
        String zoneRing = corner(-10, -28) + "," + corner(10, -28) + "," + corner(10, -20) + "," + corner(-10, -20)
                + "," + corner(-10, -28);
        String zoneRing2 = corner(-10, 20) + "," + corner(10, 20) + "," + corner(10, 28) + "," + corner(-10, 28)
                + "," + corner(-10, 20);
        String json = """
                {"type":"FeatureCollection","features":[
                 {"type":"Feature","properties":{"type":"store","id":"%s","name":"Test store","nearBufferM":40,
                   "capacity":100},
                  "geometry":{"type":"Polygon","coordinates":[[%s]]}},
                 {"type":"Feature","properties":{"type":"zone","id":"test-entrance","storeId":"%s",
                   "kind":"entrance","name":"Entrance"},
                  "geometry":{"type":"Polygon","coordinates":[[%s]]}},
                 {"type":"Feature","properties":{"type":"zone","id":"test-checkout","storeId":"%s",
                   "kind":"checkout","name":"Checkout"},
                  "geometry":{"type":"Polygon","coordinates":[[%s]]}}
                ]}""".formatted(STORE_ID, ring, STORE_ID, zoneRing, STORE_ID, zoneRing2);
        return FenceCatalog.fromGeoJson(json, "test-store.geojson");
    }

    private static String corner(double x, double y) {
        double[] latLon = FRAME.toLatLon(x, y);
        return "[" + latLon[1] + "," + latLon[0] + "]";
    }

    /** Walk in from 100 m west, stay {@code stay} near the centre, walk out east and 200 m away. */
    static List<LbsPing> stayInside(String device, Duration start, Duration stay) {
        List<LbsPing> pings = new ArrayList<>();
        Duration t = start;
        for (double x = -100; x < -35; x += 20, t = t.plus(PING_EVERY)) {
            pings.add(ping(device, x, 0, at(t)));
        }
        Duration leaveAt = t.plus(stay);
        for (; t.compareTo(leaveAt) <= 0; t = t.plus(PING_EVERY)) {
            pings.add(ping(device, (pings.size() % 3) * 4 - 4, (pings.size() % 2) * 5, at(t)));
        }
        for (double x = 40; x <= 200; x += 20, t = t.plus(PING_EVERY)) {
            pings.add(ping(device, x, 0, at(t)));
        }
        return pings;
    }

    /** Walk east along y = 45, 15 m north of the north wall, from x = -150 to 150. */
    static List<LbsPing> walkPast(String device, Duration start) {
        List<LbsPing> pings = new ArrayList<>();
        Duration t = start;
        for (double x = -150; x <= 150; x += 15, t = t.plus(PING_EVERY)) {
            pings.add(ping(device, x, 45, at(t)));
        }
        return pings;
    }

    static long at(Duration sinceOpening) {
        return OPENING.plus(sinceOpening).toEpochMilli();
    }

    static LbsPing ping(String device, double xMetres, double yMetres, long ts) {
        return ping(device, xMetres, yMetres, 8, ts);
    }

    static LbsPing ping(String device, double xMetres, double yMetres, double accuracyM, long ts) {
        double[] latLon = FRAME.toLatLon(xMetres, yMetres);
        return new LbsPing(device, "u-1", latLon[0], latLon[1], accuracyM, ts, "gps", ts);
    }
}
