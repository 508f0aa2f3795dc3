package io.o2o.analytics.simulator;

import io.o2o.analytics.simulator.CityMap.StoreSite;
import io.o2o.analytics.simulator.CityMap.ZoneSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The zone stays of one stay inside a store, from the true path: the zone is looked up every second of the
 * stay (its first and last millisecond included) exactly as the beacon simulation looks it up, and every change
 * between two samples is narrowed down by bisection to the millisecond. Exact, but for a path that leaves a zone
 * and comes back within one second (crossing a zone's corner), which is then one stay.
 */
final class ZoneTruth {
    static final long STEP_MILLIS = 1000;

    private ZoneTruth() {}

    /** @param personId the customer's (or employee's) id, {@code mac} their phone's */
    static List<TrueZoneStay> stays(String personId, String mac, Trajectory trajectory, StoreSite site,
            Interval inside, CityMap city) {
        List<TrueZoneStay> stays = new ArrayList<>();
        long t = inside.from();
        String zone = zoneAt(trajectory, site, city, t);
        long enter = t;
        while (t < inside.to()) {
            long next = Math.min(t + STEP_MILLIS, inside.to());
            String nextZone = zoneAt(trajectory, site, city, next);
            // Each change between the samples in turn (a third zone may lie between them).
            while (!Objects.equals(zone, nextZone)) {
                // The last millisecond still in `zone` (lo) and the first one out of it (hi).
                long lo = t;
                long hi = next;
                while (hi - lo > 1) {
                    long mid = lo + (hi - lo) / 2;
                    if (Objects.equals(zoneAt(trajectory, site, city, mid), zone)) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                if (zone != null) {
                    stays.add(new TrueZoneStay(personId, mac, site.id(), zone, enter, lo));
                }
                zone = zoneAt(trajectory, site, city, hi);
                enter = hi;
                t = hi;
            }
            t = next;
        }
        if (zone != null) {
            stays.add(new TrueZoneStay(personId, mac, site.id(), zone, enter, inside.to()));
        }
        return stays;
    }

    /** The zone a beacon hears the customer in at {@code t}, or null where no zone's beacon does. */
    private static String zoneAt(Trajectory trajectory, StoreSite site, CityMap city, long t) {
        return city.zoneAt(site.id(), trajectory.at(t))
                .flatMap(z -> site.zone(z.id()))
                .map(ZoneSite::zone)
                .map(z -> z.id())
                .orElse(null);
    }
}
