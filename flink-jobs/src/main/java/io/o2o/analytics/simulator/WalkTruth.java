package io.o2o.analytics.simulator;

import io.o2o.analytics.simulator.CityMap.StoreSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Envelope;

/**
 * What a true path did with respect to every store: when it was inside each footprint and within each
 * near-buffer. Computed geometrically from the path, not from the noisy fixes.
 */
record WalkTruth(List<StoreSpan> inside, List<StoreSpan> near) {

    /**
     * The shortest stay inside that counts as a visit. Planned visits last at least this plus a few seconds
     * and walk-throughs at most 90 s, so any engine threshold between the two finds the same visits.
     */
    static final Duration MIN_VISIT = Duration.ofMinutes(6);

    /** A span of time the path spent inside (or near) one store. */
    record StoreSpan(StoreSite site, Interval span) {}

    static WalkTruth of(Trajectory trajectory, CityMap city) {
        Envelope reach = trajectory.envelope();
        List<StoreSpan> inside = new ArrayList<>();
        List<StoreSpan> near = new ArrayList<>();
        for (StoreSite site : city.sites()) {
            if (!site.near().envelope().intersects(reach)) {
                continue;
            }
            for (Interval span : trajectory.within(site.footprint())) {
                inside.add(new StoreSpan(site, span));
            }
            for (Interval span : trajectory.within(site.near())) {
                near.add(new StoreSpan(site, span));
            }
        }
        return new WalkTruth(List.copyOf(inside), List.copyOf(near));
    }

    List<StoreSpan> visits() {
        return inside.stream().filter(s -> s.span().length() >= MIN_VISIT.toMillis()).toList();
    }

    boolean insideAnyStore(long t) {
        for (StoreSpan s : inside) {
            if (s.span().contains(t)) {
                return true;
            }
        }
        return false;
    }
}
