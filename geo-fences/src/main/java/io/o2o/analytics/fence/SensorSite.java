package io.o2o.analytics.fence;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an in-store sensor hangs: a beacon, a wearable's receiver or a Wi-Fi access point, by the id its readings
 * carry in {@code sensorId}. Zone presence weighs the signals of the sensors that hear a device by their
 * positions to place it (docs/zones.md); the simulator computes each reading's signal from the same position.
 *
 * @param zoneId      the zone the sensor was installed for, or null for one serving the whole store (an access point)
 * @param kind        one of {@link #KINDS}, as in the readings' {@code kind}
 * @param lat         WGS84 degrees
 * @param lon         WGS84 degrees
 * @param rssiAt1mDbm the signal (dBm) a device one metre away reads: the sensor's calibration
 * @param properties  every property of the feature as text, in file order
 */
public record SensorSite(String id, String storeId, String zoneId, String kind, double lat, double lon,
                         double rssiAt1mDbm, Map<String, String> properties) implements Serializable {

    /** The sensor kinds that hear devices; door counters count crossings and need no position. */
    public static final List<String> KINDS = List.of("ble_beacon", "wearable", "wifi_probe");

    /** The calibration of a sensor whose feature gives none: what the simulator's beacons read at 1 m. */
    public static final double DEFAULT_RSSI_AT_1M_DBM = -40;

    public SensorSite {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(kind, "kind");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
