package io.o2o.analytics.simulator;

import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;

/**
 * How a phone reports where it is: which positioning source answered, the accuracy it claims, and how far the
 * fix really lands from the truth.
 *
 * <p>Outdoors GPS claims 5 to 20 m and misses by about half of that per axis. Indoors the phone falls back to
 * Wi-Fi positioning as often as to GPS and claims 10 to 30 m, but the noise is held to a few metres per axis:
 * a customer standing 10 m from every wall must mostly be seen inside, or no engine could find the visit.
 * About 3 % of fixes come from cell towers: hundreds of metres off, and honest about it.
 */
final class GpsModel {
    private static final double CELL_SHARE = 0.03;
    private static final double WIFI_SHARE_INDOORS = 0.5;
    private static final double WIFI_SHARE_OUTDOORS = 0.1;
    /** 2.5 sigma short of a 10 m deep stopping point: fewer than 1 % of indoor fixes land outside. */
    static final double MAX_INDOOR_SIGMA_M = 4;

    private GpsModel() {}

    /** A reported fix: the position, in the city frame, and what the phone says about it. */
    record Fix(Coordinate position, double accuracyM, String source) {}

    static Fix fix(Coordinate truth, boolean indoors, SplittableRandom random) {
        String source;
        double accuracy;
        double sigma;
        if (RandomStreams.chance(random, CELL_SHARE)) {
            source = "cell";
            accuracy = RandomStreams.uniform(random, 300, 1500);
            sigma = accuracy / 2;
        } else if (indoors) {
            source = RandomStreams.chance(random, WIFI_SHARE_INDOORS) ? "wifi" : "gps";
            accuracy = RandomStreams.uniform(random, 10, 30);
            sigma = Math.min(accuracy / 3, MAX_INDOOR_SIGMA_M);
        } else {
            source = RandomStreams.chance(random, WIFI_SHARE_OUTDOORS) ? "wifi" : "gps";
            accuracy = RandomStreams.uniform(random, 5, 20);
            sigma = accuracy / 2;
        }
        Coordinate position = new Coordinate(
                truth.x + sigma * RandomStreams.gaussian(random), truth.y + sigma * RandomStreams.gaussian(random));
        return new Fix(position, accuracy, source);
    }

    /**
     * Received signal strength at {@code distanceM} from a transmitter reading {@code rssiAt1mDbm} at 1 m (-40 dBm
     * for the sample city's sensors), falling off with a path-loss exponent of 2.5 (indoors, people in the way),
     * a couple of dB of fading, clamped to what receivers report (-90 dBm to the 1 m signal).
     */
    static int rssi(double rssiAt1mDbm, double distanceM, SplittableRandom random) {
        double dbm = rssiAt1mDbm - 10 * PATH_LOSS_EXPONENT * StrictMath.log10(Math.max(1, distanceM))
                + 2 * RandomStreams.gaussian(random);
        return (int) Math.max(-90, Math.min(rssiAt1mDbm, Math.round(dbm)));
    }

    /** How fast the signal falls with distance, per decade of distance in tens of dB (ZoneRules assumes the same). */
    static final double PATH_LOSS_EXPONENT = 2.5;
}
