package io.o2o.analytics.simulator;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.fence.LocalMetricFrame;
import io.o2o.analytics.fence.SensorSite;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.fence.ZoneFence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineSegment;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.operation.buffer.BufferParameters;
import org.locationtech.jts.operation.distance.DistanceOp;

/**
 * The fence catalogue laid out for walking: every store's footprint, near-buffer, entrance and stopping areas
 * in one metric frame for the whole city, so a path can be checked against all stores at once.
 *
 * <p>One city frame rather than each store's own: the frame is affine in (lat, lon), so inside and outside are
 * decided exactly as the engine's per-store frames decide them, and distances differ by under 0.1 % across a
 * city a few kilometres wide (centimetres on a near-buffer).
 */
final class CityMap {
    /** How deep inside the footprint a customer's stopping points lie, so that noisy fixes stay inside. */
    static final double STOP_DEPTH_M = 10;
    /** The fallback depths for a store too narrow for {@link #STOP_DEPTH_M}. */
    private static final double[] SHALLOWER_STOP_DEPTHS_M = {8, 6, 4, 2};
    /** Round corners this fine put a buffer's edge within 6 cm of the true distance even 200 m out. */
    private static final int QUADRANT_SEGMENTS = 32;
    private static final double LOBBY_DEPTH_M = 4;
    private static final List<String> STOP_ZONE_KINDS = List.of("aisle", "display", "fitting_room", "checkout");

    private static final GeometryFactory METRIC = new GeometryFactory();
    private static final String BLE_BEACON = "ble_beacon";
    private static final String WIFI_PROBE = "wifi_probe";

    private final FenceCatalog catalog;
    private final FenceIndex index;
    private final LocalMetricFrame frame;
    private final List<StoreSite> sites;
    private final Map<String, StoreSite> sitesById = new LinkedHashMap<>();

    CityMap(FenceCatalog catalog) {
        if (catalog.stores().isEmpty()) {
            throw new IllegalArgumentException("The fence catalogue " + catalog.source() + " has no stores to simulate");
        }
        this.catalog = catalog;
        this.index = FenceIndex.build(catalog);
        Envelope city = new Envelope();
        for (StoreFence store : catalog.stores()) {
            city.expandToInclude(store.area().getEnvelopeInternal());
        }
        this.frame = LocalMetricFrame.centredOn(city.centre().y, city.centre().x);
        List<StoreSite> built = new ArrayList<>();
        for (StoreFence store : catalog.stores()) {
            StoreSite site = site(store);
            built.add(site);
            sitesById.put(store.id(), site);
        }
        this.sites = List.copyOf(built);
    }

    List<StoreSite> sites() {
        return sites;
    }

    StoreSite site(String storeId) {
        return sitesById.get(storeId);
    }

    /** {lat, lon} of a point of the city frame. */
    double[] latLon(Coordinate c) {
        return frame.toLatLon(c.x, c.y);
    }

    /** The zone a customer standing at {@code c} is in, as the engine's fence index decides it. */
    Optional<ZoneFence> zoneAt(String storeId, Coordinate c) {
        double[] latLon = latLon(c);
        return index.zoneAt(storeId, latLon[0], latLon[1]);
    }

    static Point point(Coordinate c) {
        return METRIC.createPoint(c);
    }

    private StoreSite site(StoreFence store) {
        ClipArea footprint = new ClipArea(frame.toMetres(store.area()));
        ClipArea near = new ClipArea(footprint.geometry()
                .buffer(store.nearBufferM(), QUADRANT_SEGMENTS, BufferParameters.CAP_ROUND));

        List<ZoneSite> zones = new ArrayList<>();
        ZoneFence entrance = null;
        for (ZoneFence zone : catalog.zonesOf(store.id())) {
            zones.add(new ZoneSite(zone, frame.toMetres(zone.area())));
            if (entrance == null && zone.kind().equals("entrance")) {
                entrance = zone;
            }
        }
        Coordinate centroid = footprint.geometry().getCentroid().getCoordinate();

        Geometry deep = deepInside(footprint.geometry());
        List<Geometry> stopAreas = new ArrayList<>();
        for (ZoneSite zone : zones) {
            if (STOP_ZONE_KINDS.contains(zone.zone().kind())) {
                Geometry overlap = zone.area().intersection(deep);
                if (overlap.getArea() >= 1) {
                    stopAreas.add(overlap);
                }
            }
        }

        Coordinate door = door(footprint.geometry(), entrance == null ? null : frame.toMetres(entrance.area()));
        Coordinate inward = inwardNormal(footprint, door);
        Coordinate lobby = new Coordinate(door.x + inward.x * LOBBY_DEPTH_M, door.y + inward.y * LOBBY_DEPTH_M);
        if (footprint.lengthInside(door, lobby) < door.distance(lobby) - 1e-6) {
            lobby = footprint.geometry().getInteriorPoint().getCoordinate();
        }
        // JTS caches envelopes on first use; fill the caches now, before parallel journeys share the geometries.
        deep.getEnvelopeInternal();
        stopAreas.forEach(Geometry::getEnvelopeInternal);
        zones.forEach(z -> z.area().getEnvelopeInternal());
        return new StoreSite(
                store,
                footprint,
                near,
                new ClipArea(deep),
                List.copyOf(stopAreas),
                List.copyOf(zones),
                entrance,
                door,
                new Coordinate(-inward.x, -inward.y),
                lobby,
                centroid,
                beacons(store, zones),
                accessPoint(store, centroid));
    }

    /**
     * The store's beacons where the fence file places them, so that every reading's signal is what its sensor's
     * position makes it and the engine can weigh them by that position. A file without sensor positions gets
     * one beacon in the middle of each zone (its interior point), named {@code <zoneId>-beacon}.
     */
    private List<Sensor> beacons(StoreFence store, List<ZoneSite> zones) {
        List<Sensor> beacons = new ArrayList<>();
        for (SensorSite sensor : catalog.sensorsOf(store.id())) {
            if (sensor.kind().equals(BLE_BEACON) && sensor.zoneId() != null) {
                beacons.add(new Sensor(sensor.id(), sensor.zoneId(), frame.toMetres(sensor.lat(), sensor.lon()),
                        sensor.rssiAt1mDbm()));
            }
        }
        if (beacons.isEmpty()) {
            for (ZoneSite zone : zones) {
                beacons.add(new Sensor(zone.zone().id() + "-beacon", zone.zone().id(),
                        zone.area().getInteriorPoint().getCoordinate(), SensorSite.DEFAULT_RSSI_AT_1M_DBM));
            }
        }
        return List.copyOf(beacons);
    }

    /** The store's Wi-Fi access point from the fence file, else one at the footprint's centroid. */
    private Sensor accessPoint(StoreFence store, Coordinate centroid) {
        return catalog.sensorsOf(store.id()).stream()
                .filter(sensor -> sensor.kind().equals(WIFI_PROBE))
                .findFirst()
                .map(sensor -> new Sensor(sensor.id(), sensor.zoneId(), frame.toMetres(sensor.lat(), sensor.lon()),
                        sensor.rssiAt1mDbm()))
                .orElse(new Sensor(store.id() + "-wifi", null, centroid, SensorSite.DEFAULT_RSSI_AT_1M_DBM));
    }

    /** The part of the footprint {@link #STOP_DEPTH_M} from every wall, or as deep as a narrow store allows. */
    private static Geometry deepInside(Geometry footprint) {
        Geometry deep = footprint.buffer(-STOP_DEPTH_M);
        for (int i = 0; deep.isEmpty() && i < SHALLOWER_STOP_DEPTHS_M.length; i++) {
            deep = footprint.buffer(-SHALLOWER_STOP_DEPTHS_M[i]);
        }
        return deep.isEmpty() ? footprint.getInteriorPoint() : deep;
    }

    /** Where people cross the wall: the point of the wall nearest the entrance zone, or else of the centroid. */
    private static Coordinate door(Geometry footprint, Geometry entranceArea) {
        Geometry walls = footprint.getBoundary();
        if (entranceArea == null) {
            // Without an entrance, use the middle of the longest wall: a shop front is rarely on a short side.
            return longestWall(walls).midPoint();
        }
        return DistanceOp.nearestPoints(walls, entranceArea.getCentroid())[0];
    }

    private static LineSegment longestWall(Geometry walls) {
        Coordinate[] ring = walls.getGeometryN(0).getCoordinates();
        LineSegment longest = new LineSegment(ring[0], ring[1]);
        for (int i = 1; i + 1 < ring.length; i++) {
            LineSegment wall = new LineSegment(ring[i], ring[i + 1]);
            if (wall.getLength() > longest.getLength()) {
                longest = wall;
            }
        }
        return longest;
    }

    /** The unit vector perpendicular to the wall at {@code door}, pointing into the store. */
    private static Coordinate inwardNormal(ClipArea footprint, Coordinate door) {
        Coordinate[] ring = footprint.geometry().getBoundary().getCoordinates();
        LineSegment wall = null;
        double best = Double.MAX_VALUE;
        for (int i = 0; i + 1 < ring.length; i++) {
            LineSegment candidate = new LineSegment(ring[i], ring[i + 1]);
            double d = candidate.distance(door);
            if (candidate.getLength() > 0 && d < best) {
                best = d;
                wall = candidate;
            }
        }
        double dx = wall.p1.x - wall.p0.x;
        double dy = wall.p1.y - wall.p0.y;
        double length = Math.hypot(dx, dy);
        Coordinate normal = new Coordinate(-dy / length, dx / length);
        Coordinate probe = new Coordinate(door.x + normal.x, door.y + normal.y);
        return footprint.covers(probe) ? normal : new Coordinate(-normal.x, -normal.y);
    }

    /** A zone of a store, in the city frame. */
    record ZoneSite(ZoneFence zone, Geometry area) {}

    /**
     * A sensor in the city frame: its id (the readings' {@code sensorId}), the zone it was installed for (null
     * for an access point serving the store) and its signal at one metre.
     */
    record Sensor(String id, String zoneId, Coordinate at, double rssiAt1mDbm) {}

    /**
     * A store laid out for walking.
     *
     * @param deep the part of the footprint at least {@link #STOP_DEPTH_M} from every wall (less in a narrow store)
     * @param stopAreas the parts of {@code deep} inside a zone where shoppers stop (aisles, displays, ...)
     * @param door the point of the wall where customers cross
     * @param outward the unit vector from the door away from the store
     * @param lobby a point just inside the door, reachable from it in a straight line
     * @param beacons the store's zone beacons
     * @param accessPoint the Wi-Fi access point that hears the probes
     */
    record StoreSite(
            StoreFence store,
            ClipArea footprint,
            ClipArea near,
            ClipArea deep,
            List<Geometry> stopAreas,
            List<ZoneSite> zones,
            ZoneFence entrance,
            Coordinate door,
            Coordinate outward,
            Coordinate lobby,
            Coordinate centroid,
            List<Sensor> beacons,
            Sensor accessPoint) {

        String id() {
            return store.id();
        }

        double nearBufferM() {
            return store.nearBufferM();
        }

        /** Whether a straight walk from a to b stays inside the footprint all the way. */
        boolean coversSegment(Coordinate a, Coordinate b) {
            return footprint.lengthInside(a, b) >= a.distance(b) - 1e-6;
        }

        Optional<ZoneSite> zone(String zoneId) {
            return zones.stream().filter(z -> z.zone().id().equals(zoneId)).findFirst();
        }

        /**
         * The zone named by readings that cannot place a customer in one (the door counter, a Wi-Fi probe
         * between zones): the entrance, else the first zone, else the store itself, since the contract needs one.
         */
        String defaultZoneId() {
            if (entrance != null) {
                return entrance.id();
            }
            return zones.isEmpty() ? store.id() : zones.get(0).zone().id();
        }
    }
}
