package io.o2o.analytics.visits;

import java.io.Serializable;
import java.time.Duration;

/**
 * The thresholds that turn noisy pings into store entries, exits, visits and pass-bys. Each is a job
 * option (see {@code JobOptions}); docs/visit-detection.md explains how they interact.
 *
 * @param maxEntryAccuracyM pings less accurate than this never open an entry or a near-store session
 * @param enterDepthM how far inside the footprint a ping must be to count towards an entry (inner edge of
 *     the hysteresis band)
 * @param exitMarginM how far outside the footprint a ping still counts as presence in an open visit (outer
 *     edge of the band); jitter between the two edges changes nothing
 * @param entryConfirmations consecutive accurate pings inside needed to confirm an entry
 * @param minDwell a stay shorter than this is an entry and exit, but not a visit
 * @param exitTimeout event time without presence after which a visit (or near-store session) is closed
 */
public record VisitRules(
        double maxEntryAccuracyM,
        double enterDepthM,
        double exitMarginM,
        int entryConfirmations,
        Duration minDwell,
        Duration exitTimeout)
        implements Serializable {

    public static VisitRules defaults() {
        return new VisitRules(50, 2, 15, 2, Duration.ofMinutes(5), Duration.ofMinutes(3));
    }

    public VisitRules {
        if (maxEntryAccuracyM <= 0 || enterDepthM < 0 || exitMarginM < 0) {
            throw new IllegalArgumentException("accuracy must be > 0 and depth and margin >= 0");
        }
        if (entryConfirmations < 1) {
            throw new IllegalArgumentException("entryConfirmations must be at least 1");
        }
        if (minDwell.isNegative() || exitTimeout.isNegative() || exitTimeout.isZero()) {
            throw new IllegalArgumentException("minDwell must be >= 0 and exitTimeout > 0");
        }
    }

    /**
     * The longest a decision about an instant can take to be emitted: an exit or pass-by is known only
     * after the exit timeout, and an entry is confirmed within it. Downstream aggregations wait this long
     * past the watermark before they finalise a period.
     */
    public Duration decisionDelay() {
        return exitTimeout;
    }
}
