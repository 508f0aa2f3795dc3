package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.RandomStreams.millisBetween;

import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CityMap.StoreSite;
import io.o2o.analytics.zones.StoreHours;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;

/**
 * The employees of a store, every day of the simulated window: in at about opening time, out at about
 * closing time, a break away from the store in the middle, and in between stints of 20-90 minutes at a spot in
 * one of the store's aisles, displays or tills. Their phones have Wi-Fi and Bluetooth on and are heard by the
 * store's sensors like a customer's ({@link InStoreSensors}); they send no location pings (no app with location
 * on). Each employee draws from a random stream of their own, so staff change no customer's records.
 */
final class StaffShifts {
    private static final long MINUTE = 60_000;
    private static final long MIN_STINT_MILLIS = 20 * MINUTE;
    private static final long MAX_STINT_MILLIS = 90 * MINUTE;
    private static final double WALKING_SPEED_MPS = 1.0;

    /** One employee's records and truth. */
    record Outcome(TrueStaff staff, List<RawRecord> records, List<TrueZoneStay> zoneStays) {}

    private StaffShifts() {}

    /** The {@code member}-th employee of the store at {@code storeIndex}; null for a store without opening hours. */
    static Outcome simulate(CityMap city, SimulationSettings settings, int storeIndex, int member) {
        StoreSite site = city.sites().get(storeIndex);
        StoreHours hours = StoreHours.of(site.store()).orElse(null);
        if (hours == null || site.stopAreas().isEmpty()) {
            return null;
        }
        SplittableRandom random = RandomStreams.forStaff(settings.seed(), storeIndex, member);
        SplittableRandom plan = random.split();
        SplittableRandom noise = random.split();
        RecordSink sink = new RecordSink(random.split());
        String staffId = String.format(Locale.ROOT, "staff-%s-%d", site.id(), member + 1);
        String mac = String.format(Locale.ROOT, "f4:0e:22:%02x:%02x:%02x",
                plan.nextInt(256), plan.nextInt(256), plan.nextInt(256));
        List<TrueZoneStay> stays = new ArrayList<>();
        LocalDate first = Instant.ofEpochMilli(settings.startMillis()).atZone(hours.zone()).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(settings.endMillis()).atZone(hours.zone()).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            if (!hours.days().contains(day.getDayOfWeek())) {
                continue;
            }
            long opens = day.atTime(hours.opens()).atZone(hours.zone()).toInstant().toEpochMilli();
            long closes = (hours.closes() == null ? day.plusDays(1).atTime(LocalTime.MIDNIGHT)
                    : hours.overnight() ? day.plusDays(1).atTime(hours.closes())
                    : day.atTime(hours.closes())).atZone(hours.zone()).toInstant().toEpochMilli();
            long in = opens + millisBetween(plan, -15 * MINUTE, 30 * MINUTE);
            long out = closes - millisBetween(plan, 0, 45 * MINUTE);
            long breakStart = in + (long) ((out - in) * RandomStreams.uniform(plan, 0.35, 0.55));
            long breakEnd = breakStart + millisBetween(plan, 30 * MINUTE, 60 * MINUTE);
            for (long[] part : new long[][] {{in, breakStart}, {breakEnd, out}}) {
                long from = Math.max(part[0], settings.startMillis());
                long to = Math.min(part[1], settings.endMillis());
                if (to - from < MINUTE) {
                    continue;
                }
                Trajectory shift = stints(site, from, to, plan);
                Interval span = new Interval(from, to);
                InStoreSensors.hear(city, site, shift, span, mac, true, true, noise, sink);
                stays.addAll(ZoneTruth.stays(staffId, mac, shift, site, span, city));
            }
        }
        return new Outcome(new TrueStaff(staffId, mac, site.id()), sink.records(), stays);
    }

    /** From {@code from} to {@code to}: stints at spots of the store's stopping areas, walking between them. */
    private static Trajectory stints(StoreSite site, long from, long to, SplittableRandom plan) {
        Trajectory.Builder path = Trajectory.startingAt(spot(site, plan), from);
        while (path.time() < to) {
            path.stay(Math.min(to - path.time(), millisBetween(plan, MIN_STINT_MILLIS, MAX_STINT_MILLIS)));
            if (path.time() < to) {
                path.walkTo(spot(site, plan), WALKING_SPEED_MPS);
            }
        }
        return path.build();
    }

    /** A uniform spot of one of the store's stopping areas. */
    private static Coordinate spot(StoreSite site, SplittableRandom plan) {
        return JourneyPlanner.pointIn(RandomStreams.pick(plan, site.stopAreas()), plan);
    }
}
