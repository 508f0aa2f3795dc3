package io.o2o.analytics.simulator;

import java.io.Serializable;
import java.util.Locale;

/**
 * What share of the simulated customers follows each journey, and how many visitors buy.
 *
 * <p>The five journey fractions must add up to 1: each customer draws exactly one journey, so a mix that
 * does not add up would silently change the meaning of every other fraction.
 *
 * @param storeVisitors walk to a store and stay inside 6 to 45 minutes
 * @param o2oVisitors engage online (app, WeChat, ...) and walk into a store 10 to 90 minutes later
 * @param passersBy walk past a store, inside its near-buffer but never inside
 * @param walkThroughs step into a store and leave again within 30 to 90 seconds
 * @param onlineOnly engage online and never come near a store
 * @param visitorPurchaseRate share of store visitors who pay at the till
 * @param o2oPurchaseRate share of O2O visitors who pay at the till (they came with intent, so more)
 */
public record JourneyMix(
        double storeVisitors,
        double o2oVisitors,
        double passersBy,
        double walkThroughs,
        double onlineOnly,
        double visitorPurchaseRate,
        double o2oPurchaseRate)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double SUM_TOLERANCE = 1e-6;

    public static JourneyMix defaults() {
        return new JourneyMix(0.35, 0.15, 0.30, 0.10, 0.10, 0.10, 0.35);
    }

    public JourneyMix {
        requireFraction("storeVisitors", storeVisitors);
        requireFraction("o2oVisitors", o2oVisitors);
        requireFraction("passersBy", passersBy);
        requireFraction("walkThroughs", walkThroughs);
        requireFraction("onlineOnly", onlineOnly);
        requireFraction("visitorPurchaseRate", visitorPurchaseRate);
        requireFraction("o2oPurchaseRate", o2oPurchaseRate);
        double sum = storeVisitors + o2oVisitors + passersBy + walkThroughs + onlineOnly;
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "The journey fractions must add up to 1, but they add up to %.6f", sum));
        }
    }

    /** The journey whose cumulative share covers {@code u}, a uniform draw from [0, 1). */
    JourneyKind journeyFor(double u) {
        double[] shares = {storeVisitors, o2oVisitors, passersBy, walkThroughs, onlineOnly};
        JourneyKind[] kinds = JourneyKind.values();
        double cumulative = 0;
        for (int i = 0; i < shares.length; i++) {
            cumulative += shares[i];
            if (u < cumulative) {
                return kinds[i];
            }
        }
        // Rounding can leave the sum a hair under 1: the last journey with a share takes the remainder.
        for (int i = shares.length - 1; i >= 0; i--) {
            if (shares[i] > 0) {
                return kinds[i];
            }
        }
        throw new IllegalStateException("no journey has a share");
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a fraction between 0 and 1, was " + value);
        }
    }
}
