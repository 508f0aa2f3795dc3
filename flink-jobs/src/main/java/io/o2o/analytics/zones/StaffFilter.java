package io.o2o.analytics.zones;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.state.EventTimeExpiry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps staff out of the zone figures: a device heard in a store during most of its opening hours on most days
 * is the phone (or badge) of someone who works there, and its readings of that store no longer reach zone
 * presence. The rule (docs/zones.md): after a learning period of {@code learningDays} days since the device was
 * first heard in the store, it is staff there when, of the last {@code learningDays} days, at least
 * {@code staffDayShare} were staff days, a staff day being one on which it was heard in at least
 * {@code openHoursShare} of the store's opening hours. The verdict is taken again at the first reading of each
 * local day, so a staff member who leaves the job becomes a shopper again once the window has passed, and
 * again whenever an hour of an earlier day arrives after that (a reading hours late still counts; the readings
 * judged before it arrived keep their verdict).
 *
 * <p>Days are the store's opening days: in a store open across midnight, the small hours belong to the night that
 * began the day before ({@link StoreHours#openingDay}).
 *
 * <p>Keyed by the hashed device id. State per device and store: the hours heard per day of the window, the verdict
 * and when the device was last heard there; a store's entry is forgotten once the device was not heard there for the
 * window and a day, in event time (checked at every reading, and an expiry timer per device cleans up, {@link
 * EventTimeExpiry}). Stores without opening hours in the fence file keep
 * every reading (there is no working day to measure against). Excluded readings are counted
 * ({@code staffReadings}), not dead-lettered: they are valid, and left out by a rule.
 */
public class StaffFilter extends KeyedProcessFunction<String, StoreSensorEvent, StoreSensorEvent> {
    private static final long serialVersionUID = 1L;

    private final int learningDays;
    private final double openHoursShare;
    private final double staffDayShare;
    /** Per store with opening hours: parsed once, read at every reading. */
    private final Map<String, StoreHours> openingHours;

    private final long ttlMillis;
    /** The device's cleanup timer: at its last reading in any store plus the TTL. */
    private final EventTimeExpiry deviceExpiry;

    private transient MapState<String, StaffPresence> presence;
    private transient Counter staffReadings;

    public StaffFilter(FenceCatalog fences, int learningDays, double openHoursShare, double staffDayShare) {
        if (learningDays < 1 || !(openHoursShare > 0 && openHoursShare <= 1) || !(staffDayShare > 0 && staffDayShare <= 1)) {
            throw new IllegalArgumentException("learningDays must be >= 1 and both shares in (0, 1]");
        }
        this.learningDays = learningDays;
        this.openHoursShare = openHoursShare;
        this.staffDayShare = staffDayShare;
        this.openingHours = StoreHours.of(fences);
        this.ttlMillis = Duration.ofDays(learningDays + 1L).toMillis();
        this.deviceExpiry = new EventTimeExpiry("staff-expiry", Duration.ofDays(learningDays + 1L));
    }

    @Override
    public void open(OpenContext openContext) {
        presence = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "staff-presence", Types.STRING, TypeInformation.of(StaffPresence.class)));
        deviceExpiry.open(getRuntimeContext());
        staffReadings = getRuntimeContext().getMetricGroup().counter("staffReadings");
    }

    @Override
    public void processElement(StoreSensorEvent reading, Context ctx, Collector<StoreSensorEvent> out) throws Exception {
        StoreHours hours = openingHours.get(reading.storeId());
        if (hours == null) {
            out.collect(reading);
            return;
        }
        ZonedDateTime local = Instant.ofEpochMilli(reading.ts()).atZone(hours.zone());
        long day = hours.openingDay(local).toEpochDay();
        if (deviceExpiry.arrivedAt(reading.ts(), ctx.timerService())) {
            presence.clear();
        }
        StaffPresence store = presence.get(reading.storeId());
        // An entry restored from before lastHeard was kept has none (0): it counts as heard until this reading.
        if (store != null && store.lastHeard > 0 && reading.ts() >= store.lastHeard + ttlMillis) {
            // Not heard here for the window and a day: a newcomer again, who learns from scratch.
            store = null;
        }
        if (store == null) {
            store = new StaffPresence();
            store.firstDay = day;
        }
        store.firstDay = Math.min(store.firstDay, day);
        store.lastHeard = Math.max(store.lastHeard, reading.ts());
        boolean newHour = false;
        if (hours.open(local)) {
            long before = store.hoursByDay.getOrDefault(day, 0L);
            long after = before | 1L << local.getHour();
            newHour = after != before;
            store.hoursByDay.put(day, after);
        }
        if (day > store.judgedDay) {
            judge(store, day, hours.hoursPerDay());
        } else if (day < store.judgedDay && newHour) {
            // An hour of an earlier day that arrived after the verdict on a later one (a sensor uploading its
            // buffer hours late): the verdict is taken again with it, as if it had come in time.
            judge(store, store.judgedDay, hours.hoursPerDay());
        }
        presence.put(reading.storeId(), store);
        if (store.staff) {
            staffReadings.inc();
            return;
        }
        out.collect(reading);
    }

    /**
     * The device's cleanup timer: everything if it was heard nowhere for the TTL, else the stores it was not heard in
     * for the TTL. Never at the end of input (the watermark at the end of time), as {@link EventTimeExpiry} says.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreSensorEvent> out) throws Exception {
        if (deviceExpiry.expiredAt(timestamp, false, ctx.timerService())) {
            presence.clear();
            return;
        }
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        List<String> idle = new ArrayList<>();
        for (Map.Entry<String, StaffPresence> store : presence.entries()) {
            if (store.getValue().lastHeard + ttlMillis <= timestamp) {
                idle.add(store.getKey());
            }
        }
        for (String storeId : idle) {
            presence.remove(storeId);
        }
    }

    /** The verdict for {@code today}, from the complete days before it. */
    private void judge(StaffPresence store, long today, int openHours) {
        store.hoursByDay.keySet().removeIf(day -> day < today - learningDays);
        long staffDays = store.hoursByDay.entrySet().stream()
                .filter(e -> e.getKey() < today)
                .filter(e -> Long.bitCount(e.getValue()) >= openHoursShare * openHours)
                .count();
        store.staff = today - store.firstDay >= learningDays && staffDays >= staffDayShare * learningDays;
        store.judgedDay = today;
    }
}
