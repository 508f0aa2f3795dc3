package io.o2o.analytics.zones;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The thresholds that turn noisy in-store readings into the zone a device is in, and its zone visits.
 * docs/zones.md explains how they interact; the defaults fit the sensors the simulator sends
 * (docs/simulator.md, "In-store sensors").
 *
 * <p>A device's zone is chosen from a <em>smoothed</em> signal per zone: the mean RSSI (dBm) of the readings
 * of that zone within {@code smoothingWindow}. Sensor kinds come in two tiers. {@code locatingKinds} (zone
 * beacons, wearables) hear the device from a transmitter placed in the zone, so their signals compare across
 * zones. {@code coarseKinds} (Wi-Fi probes) carry a zone too, but their RSSI is measured at an access point
 * that covers much of the store: they decide the zone only while no locating reading of the store is within
 * the window, and otherwise only keep the device present. Kinds in neither set are ignored.
 *
 * @param smoothingWindow how far back in event time a zone's readings count towards its smoothed signal.
 *     Default 60 s: beacons are heard about every 30 s, so the mean rests on about two readings per zone (one
 *     faded reading is averaged with its neighbour), and a minute after a move the old zone's readings are gone
 * @param hysteresisDb how much stronger (smoothed) another zone must be than the current one to challenge it.
 *     Default 6 dB: a reading fades by about 2 dB, so the difference of two two-reading means varies by about
 *     2 dB; 6 dB is three times that, and on the -40 dBm at 1 m, 25 dB per decade path loss of the beacons it
 *     means the challenger's beacon is about 1.7 times closer
 * @param minSwitchHold how long the challenger must stay that much stronger, at every reading, before the
 *     device is taken to be in its zone. Default 20 s: shorter than the beacon interval, so a real move
 *     switches at the second reading that confirms it, while one reading alone can never switch the zone
 * @param exitTimeout event time without any reading of the store after which the device has left it: the
 *     zone visit then closes at its last reading and the device's state for the store is dropped. Default
 *     2 min: two missed probes, four missed beacons
 * @param locatingKinds the sensor kinds whose signals locate the zone; default {@code ble_beacon} and
 *     {@code wearable}
 * @param coarseKinds the sensor kinds used only when no locating reading is in the window; default
 *     {@code wifi_probe}
 * @param positionMarginM where two or more sensors with a known position hear the device, it is placed at their
 *     signal-weighted centroid, and another zone challenges the current one only while that position lies in it
 *     at least this far (metres) clear of the current zone: the spatial counterpart of {@code hysteresisDb}.
 *     Default 2 m: a 2 dB fade moves a distance estimate by 20 %, so a position between two beacons 10 m apart
 *     wanders by about a metre either way; 2 m is twice that
 * @param pathLossExponent how fast a signal falls with distance (10 n dB per decade), which turns a sensor's
 *     smoothed RSSI into the distance that weighs its position. Default 2.5: indoors with people in the way, as
 *     the simulator's sensors
 */
public record ZoneRules(
        Duration smoothingWindow,
        double hysteresisDb,
        Duration minSwitchHold,
        Duration exitTimeout,
        Set<String> locatingKinds,
        Set<String> coarseKinds,
        double positionMarginM,
        double pathLossExponent)
        implements Serializable {

    public static final double DEFAULT_POSITION_MARGIN_M = 2;
    public static final double DEFAULT_PATH_LOSS_EXPONENT = 2.5;

    public static final String WIFI_PROBE = "wifi_probe";
    public static final String BLE_BEACON = "ble_beacon";
    public static final String WEARABLE = "wearable";

    /** The sensor kinds that hear a device; door counters count crossings and never carry one. */
    public static final Set<String> DEVICE_SENSOR_KINDS = Set.of(WIFI_PROBE, BLE_BEACON, WEARABLE);

    public static ZoneRules defaults() {
        return new ZoneRules(
                Duration.ofSeconds(60),
                6,
                Duration.ofSeconds(20),
                Duration.ofMinutes(2),
                Set.of(BLE_BEACON, WEARABLE),
                Set.of(WIFI_PROBE));
    }

    /** With the default position margin and path loss. */
    public ZoneRules(Duration smoothingWindow, double hysteresisDb, Duration minSwitchHold, Duration exitTimeout,
            Set<String> locatingKinds, Set<String> coarseKinds) {
        this(smoothingWindow, hysteresisDb, minSwitchHold, exitTimeout, locatingKinds, coarseKinds,
                DEFAULT_POSITION_MARGIN_M, DEFAULT_PATH_LOSS_EXPONENT);
    }

    public ZoneRules withPositioning(double newPositionMarginM, double newPathLossExponent) {
        return new ZoneRules(smoothingWindow, hysteresisDb, minSwitchHold, exitTimeout, locatingKinds, coarseKinds,
                newPositionMarginM, newPathLossExponent);
    }

    public ZoneRules {
        if (smoothingWindow == null || smoothingWindow.isNegative() || smoothingWindow.isZero()) {
            throw new IllegalArgumentException("smoothingWindow must be > 0");
        }
        if (!(hysteresisDb >= 0) || Double.isInfinite(hysteresisDb)) {
            throw new IllegalArgumentException("hysteresisDb must be a finite number >= 0");
        }
        if (minSwitchHold == null || minSwitchHold.isNegative()) {
            throw new IllegalArgumentException("minSwitchHold must be >= 0");
        }
        if (exitTimeout == null || exitTimeout.isNegative() || exitTimeout.isZero()) {
            throw new IllegalArgumentException("exitTimeout must be > 0");
        }
        if (locatingKinds == null || locatingKinds.isEmpty()) {
            throw new IllegalArgumentException("locatingKinds must name at least one sensor kind");
        }
        locatingKinds = Set.copyOf(locatingKinds);
        coarseKinds = coarseKinds == null ? Set.of() : Set.copyOf(coarseKinds);
        for (Set<String> kinds : List.of(locatingKinds, coarseKinds)) {
            if (!DEVICE_SENSOR_KINDS.containsAll(kinds)) {
                throw new IllegalArgumentException(
                        "sensor kinds must be among " + DEVICE_SENSOR_KINDS + ", got " + kinds);
            }
        }
        if (locatingKinds.stream().anyMatch(coarseKinds::contains)) {
            throw new IllegalArgumentException("a sensor kind cannot be both locating and coarse");
        }
        if (!(positionMarginM >= 0) || Double.isInfinite(positionMarginM)) {
            throw new IllegalArgumentException("positionMarginM must be a finite number >= 0");
        }
        if (!(pathLossExponent >= 1 && pathLossExponent <= 6)) {
            throw new IllegalArgumentException("pathLossExponent must be between 1 and 6");
        }
    }

    /** Whether readings of this kind take part at all. */
    public boolean counts(String kind) {
        return locatingKinds.contains(kind) || coarseKinds.contains(kind);
    }

    /**
     * The longest a zone visit can take to be emitted after the watermark passes its exit: a visit closed by
     * the timeout is known {@code exitTimeout} after its last reading; one closed by a switch is known at the
     * first reading at least {@code minSwitchHold} after it, which comes within one exit timeout.
     */
    public Duration decisionDelay() {
        return exitTimeout.plus(minSwitchHold);
    }
}
