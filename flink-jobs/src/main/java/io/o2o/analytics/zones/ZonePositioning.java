package io.o2o.analytics.zones;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.fence.LocalMetricFrame;
import io.o2o.analytics.fence.SensorSite;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.fence.ZoneFence;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;

/**
 * Places a device heard by several positioned sensors of a store: the centroid of the sensors' positions
 * weighted by the inverse square of the distance each signal implies (log-distance path loss from the sensor's
 * signal at one metre), and the zone polygon that contains it (docs/zones.md, "Weighted position").
 *
 * <p>Built once per subtask in {@code open()} from the fence catalogue; not serializable. All geometry is in
 * each store's own metric frame, the frame the fence index measures that store in.
 */
final class ZonePositioning {
    private static final GeometryFactory METRIC = new GeometryFactory();

    /** A weighted position of a device in a store's frame, metres, and the zone polygon containing it. */
    record Placement(Coordinate position, String zoneId) {}

    private record Sensor(Coordinate at, double rssiAt1mDbm) {}

    private final FenceIndex index;
    private final double pathLossExponent;
    private final Map<String, LocalMetricFrame> frames = new HashMap<>();
    /** Positioned locating sensors, by store and sensor id. */
    private final Map<String, Map<String, Sensor>> sensors = new HashMap<>();
    private final Map<String, Geometry> zoneAreas = new HashMap<>();
    /** Zones with a locating sensor installed for them: only where that sensor hears the device can it be. */
    private final Set<String> zonesWithSensors = new HashSet<>();

    ZonePositioning(FenceCatalog fences, ZoneRules rules) {
        this.index = FenceIndex.build(fences);
        this.pathLossExponent = rules.pathLossExponent();
        for (StoreFence store : fences.stores()) {
            LocalMetricFrame frame = index.frameOf(store.id());
            frames.put(store.id(), frame);
            for (ZoneFence zone : fences.zonesOf(store.id())) {
                zoneAreas.put(zone.id(), frame.toMetres(zone.area()));
            }
            for (SensorSite sensor : fences.sensorsOf(store.id())) {
                if (rules.locatingKinds().contains(sensor.kind())) {
                    sensors.computeIfAbsent(store.id(), id -> new HashMap<>()).put(sensor.id(),
                            new Sensor(frame.toMetres(sensor.lat(), sensor.lon()), sensor.rssiAt1mDbm()));
                    if (sensor.zoneId() != null) {
                        zonesWithSensors.add(sensor.zoneId());
                    }
                }
            }
        }
    }

    /**
     * Where the device is, from the smoothed signal of each locating sensor that heard it ({@code signals},
     * by sensor id, iterated in id order so that the sums do not depend on arrival order), or null where fewer
     * than two of them have a known position: one sensor gives a distance, not a position.
     *
     * @param heardZones the zones whose locating readings are in the window
     * @return the placement; its zone is null when the position lies in no zone, or in one whose own sensor
     *     did not hear the device (a position between beacons can fall in a zone the device never entered)
     */
    Placement place(String storeId, SortedMap<String, Double> signals, Set<String> heardZones) {
        Map<String, Sensor> positioned = sensors.get(storeId);
        if (positioned == null) {
            return null;
        }
        double x = 0;
        double y = 0;
        double weights = 0;
        int used = 0;
        for (Map.Entry<String, Double> signal : signals.entrySet()) {
            Sensor sensor = positioned.get(signal.getKey());
            if (sensor == null) {
                continue;
            }
            // d = 10^((P1m - rssi) / (10 n)); weight 1 / d².
            double weight = Math.pow(10, -2 * (sensor.rssiAt1mDbm() - signal.getValue()) / (10 * pathLossExponent));
            x += weight * sensor.at().x;
            y += weight * sensor.at().y;
            weights += weight;
            used++;
        }
        if (used < 2) {
            return null;
        }
        Coordinate position = new Coordinate(x / weights, y / weights);
        double[] latLon = frames.get(storeId).toLatLon(position.x, position.y);
        String zoneId = index.zoneAt(storeId, latLon[0], latLon[1])
                .map(ZoneFence::id)
                .filter(zone -> heardZones.contains(zone) || !zonesWithSensors.contains(zone))
                .orElse(null);
        return new Placement(position, zoneId);
    }

    /**
     * How clearly a placement in {@code candidate} has left {@code current}: its distance outside the current
     * zone, or, when the candidate lies inside the current zone (an island in an aisle), its depth inside the
     * candidate. Infinite when the current zone is not in the fence file.
     */
    double clearance(Placement placement, String current) {
        Geometry currentArea = zoneAreas.get(current);
        if (currentArea == null) {
            return Double.POSITIVE_INFINITY;
        }
        Point p = METRIC.createPoint(placement.position());
        if (!currentArea.covers(p)) {
            return currentArea.distance(p);
        }
        return zoneAreas.get(placement.zoneId()).getBoundary().distance(p);
    }
}
