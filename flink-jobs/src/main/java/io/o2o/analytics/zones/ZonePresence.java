package io.o2o.analytics.zones;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.ingest.DeadLetterReason;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.state.EarlierStateLayout;
import io.o2o.analytics.state.EventTimeBuffer;
import io.o2o.analytics.state.SettledKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, per device and in event time, which zone of a store it is in, and emits a {@link ZoneVisit} each
 * time it leaves a zone (docs/zones.md).
 *
 * <p>Readings are held until the watermark passes them and are then applied in event-time order; readings of
 * one instant are applied together, so neither arrival order nor the order of equal timestamps changes a
 * decision. At every instant the device is heard in a store, each zone of the store gets a smoothed signal,
 * the mean RSSI of its readings within the smoothing window, so one faded or reflected reading moves it only
 * part of the way. The zone does not simply follow the strongest signal: another zone must be stronger by the
 * hysteresis margin, at every reading for at least the minimum hold, before it takes over, dated from the
 * first of those readings. A device standing between two zones, whose strongest beacon alternates, therefore
 * stays in one zone visit. Wi-Fi probes and other coarse kinds decide the zone only while no beacon or
 * wearable of the store hears the device (their RSSI is measured from an access point, not from the zone).
 *
 * <p>Keyed by the hashed device id. State per device: readings not yet passed by the watermark, the readings
 * within the smoothing window, and one {@link ZoneStay} per store the device is in. All are empty, and so
 * cleared, once the exit timeout has passed since its last reading in every store.
 */
public class ZonePresence extends KeyedProcessFunction<String, StoreSensorEvent, ZoneVisit> {
    private static final long serialVersionUID = 1L;

    /** A device entering a zone, as it is decided: what zone occupancy counts. */
    public static final OutputTag<ZoneSignal> ENTRIES = new OutputTag<>("zone-entries") {};

    /** Readings that arrived behind the watermark: too late to place the device, as dead letters. */
    public static final OutputTag<DeadLetter> LATE_READINGS = new OutputTag<>("late-zone-readings") {};

    private final EventTimeBuffer<StoreSensorEvent> pendingReadings = EventTimeBuffer.of(
            "pending-zone-readings", StoreSensorEvent.class, StoreSensorEvent::ts, ZonePresence::bySensor);

    /** A state of the earlier layout, the zone stays alone then ({@link EarlierStateLayout}). */
    static final String SEPARATE_STATES_GUARD = "zone-stays";

    private final ZoneRules rules;
    /** Null without sensor positions: the zone then always follows the strongest smoothed signal. */
    private final FenceCatalog fences;
    private final long windowMillis;
    private final long minSwitchHoldMillis;
    private final long exitTimeoutMillis;

    /** The device's zone stays and recent readings, as one value (see {@link DeviceZoneState}). */
    private transient ValueState<DeviceZoneState> device;
    private transient SettledKeys settled;
    private transient Counter zoneSwitches;
    private transient Counter zoneVisits;
    private transient Counter ignoredReadings;
    private transient Counter lateReadings;
    private transient Counter positionedReadings;
    private transient ZonePositioning positioning;

    /** Zones by the strongest smoothed signal only, as for sensors of unknown position. */
    public ZonePresence(ZoneRules rules) {
        this(rules, null);
    }

    /**
     * @param fences the stores, zones and sensor positions: where two positioned sensors of a store hear the
     *     device, the zone is the one containing their signal-weighted position
     */
    public ZonePresence(ZoneRules rules, FenceCatalog fences) {
        this.fences = fences;
        this.rules = Objects.requireNonNull(rules, "rules");
        this.windowMillis = rules.smoothingWindow().toMillis();
        this.minSwitchHoldMillis = rules.minSwitchHold().toMillis();
        this.exitTimeoutMillis = rules.exitTimeout().toMillis();
    }

    /**
     * Key of the input: the hashed device id, or "" for door counters (which carry none and are ignored here;
     * filtering them out before keying spares the one subtask that key lands on).
     */
    public static String deviceOf(StoreSensorEvent reading) {
        return reading.deviceId() == null ? "" : reading.deviceId();
    }

    @Override
    public void open(OpenContext openContext) {
        pendingReadings.open(getRuntimeContext());
        EarlierStateLayout.refuse(getRuntimeContext(), SEPARATE_STATES_GUARD,
                "zone presence's state (a device's zone stays and recent readings as separate states)");
        device = getRuntimeContext().getState(
                new ValueStateDescriptor<>("device-zone-state", TypeInformation.of(DeviceZoneState.class)));
        settled = new SettledKeys();
        zoneSwitches = getRuntimeContext().getMetricGroup().counter("zoneSwitches");
        zoneVisits = getRuntimeContext().getMetricGroup().counter("zoneVisits");
        ignoredReadings = getRuntimeContext().getMetricGroup().counter("ignoredZoneReadings");
        lateReadings = getRuntimeContext().getMetricGroup().counter("lateZoneReadings");
        positionedReadings = getRuntimeContext().getMetricGroup().counter("positionedZoneReadings");
        positioning = fences == null ? null : new ZonePositioning(fences, rules);
    }

    @Override
    public void processElement(StoreSensorEvent reading, Context ctx, Collector<ZoneVisit> out) throws Exception {
        if (!locates(reading)) {
            ignoredReadings.inc();
            return;
        }
        // Applying it now would rewrite decisions already taken; the watermark bound is the promise that
        // this is rare, and the dead letter says when it is not.
        if (reading.ts() <= ctx.timerService().currentWatermark()) {
            lateReadings.inc();
            ctx.output(LATE_READINGS, late(reading, ctx.timerService().currentWatermark()));
            return;
        }
        pendingReadings.add(reading);
        ctx.timerService().registerEventTimeTimer(reading.ts());
    }

    /** A reading this function can place: a device heard by a counted sensor kind, in a zone, with an RSSI. */
    private boolean locates(StoreSensorEvent reading) {
        return reading.deviceId() != null
                && reading.storeId() != null
                && reading.zoneId() != null
                && reading.rssi() != null
                && rules.counts(reading.kind());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ZoneVisit> out) throws Exception {
        long horizon = Math.max(timestamp, ctx.timerService().currentWatermark());
        String deviceId = ctx.getCurrentKey();
        // The first timer of this watermark advance handled everything up to the horizon; the others find nothing.
        if (settled.alreadySettled(deviceId, horizon)) {
            return;
        }
        List<StoreSensorEvent> due = pendingReadings.takeDue(horizon);

        // A map of this callback's own: on the heap backend the stored map is the state itself.
        DeviceZoneState stored = device.value();
        Map<String, ZoneStay> open = stored == null ? new HashMap<>() : new HashMap<>(stored.stays);
        List<StoreSensorEvent> recent = stored == null ? new ArrayList<>() : new ArrayList<>(stored.recent);

        int next = 0;
        while (next < due.size()) {
            long at = due.get(next).ts();
            expire(open, deviceId, at, out);
            forget(recent, open, at);
            // Readings heard at one instant, per store, in a fixed order.
            SortedMap<String, Integer> heard = new TreeMap<>();
            for (; next < due.size() && due.get(next).ts() == at; next++) {
                StoreSensorEvent reading = due.get(next);
                // A sensor re-sending a batch delivers the same reading twice; counted twice it would weigh double.
                if (recent.contains(reading)) {
                    ignoredReadings.inc();
                    continue;
                }
                recent.add(reading);
                heard.merge(reading.storeId(), 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> store : heard.entrySet()) {
                locate(store.getKey(), at, store.getValue(), recent, open, deviceId, ctx, out);
            }
        }
        expire(open, deviceId, horizon, out);
        forget(recent, open, horizon);

        save(open, recent, stored);
        long nextDeadline = open.values().stream()
                .mapToLong(stay -> stay.exitDeadline(exitTimeoutMillis))
                .min()
                .orElse(Long.MAX_VALUE);
        if (nextDeadline != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(nextDeadline);
        }
    }

    /**
     * The device was heard {@code readings} times in {@code storeId} at {@code at}: the zone it is in after
     * this instant, with a zone visit if it has left one for another.
     */
    private void locate(
            String storeId, long at, int readings, List<StoreSensorEvent> recent, Map<String, ZoneStay> open,
            String deviceId, OnTimerContext ctx, Collector<ZoneVisit> out) {
        SortedMap<String, Double> signals = smoothedSignals(storeId, at, recent, StoreSensorEvent::zoneId);
        ZonePositioning.Placement placement = positioning == null ? null : positioning.place(
                storeId, smoothedSignals(storeId, at, recent, StoreSensorEvent::sensorId), signals.keySet());
        if (placement != null && placement.zoneId() != null) {
            positionedReadings.inc(readings);
        } else {
            placement = null;
        }
        ZoneStay stay = open.get(storeId);
        if (stay == null) {
            stay = ZoneStay.enteredAt(placement != null ? placement.zoneId() : strongest(signals, null), at);
            stay.readings = readings;
            open.put(storeId, stay);
            ctx.output(ENTRIES, ZoneSignal.enteredBy(deviceId, storeId, stay.zoneId, at));
            return;
        }
        stay.lastReadingAt = at;
        stay.readings += readings;
        String challenger = placement != null ? challengerAt(placement, stay.zoneId) : challengerOf(signals, stay.zoneId);
        if (challenger == null) {
            stay.unchallenge();
            return;
        }
        if (!stay.challengedBy(challenger)) {
            stay.challenge(challenger, at);
        }
        stay.challengerReadings += readings;
        if (at - stay.challengerSince >= minSwitchHoldMillis) {
            visit(out, deviceId, storeId, stay.zoneId, stay.enteredAt, stay.challengerSince,
                    stay.readings - stay.challengerReadings);
            stay.switchToChallenger();
            ctx.output(ENTRIES, ZoneSignal.enteredBy(deviceId, storeId, stay.zoneId, stay.enteredAt));
            zoneSwitches.inc();
        }
    }

    /** The strongest other zone, if it leads the current zone by the hysteresis margin; else null. */
    private String challengerOf(SortedMap<String, Double> signals, String current) {
        String challenger = strongest(signals, current);
        // A zone not heard within the window has no signal: any heard zone leads it.
        double currentSignal = signals.getOrDefault(current, Double.NEGATIVE_INFINITY);
        return challenger == null || signals.get(challenger) < currentSignal + rules.hysteresisDb() ? null : challenger;
    }

    /** The zone of the weighted position, if it is another zone and the position is clear of the current one. */
    private String challengerAt(ZonePositioning.Placement placement, String current) {
        if (placement.zoneId().equals(current)
                || positioning.clearance(placement, current) < rules.positionMarginM()) {
            return null;
        }
        return placement.zoneId();
    }

    /**
     * The mean RSSI per zone (or per sensor: {@code by}) of the store's readings within the smoothing window
     * ending at {@code at}, from the locating kinds if any of them heard the device in that window, else from
     * the coarse kinds. Sums of whole dBm are exact, so the means do not depend on the order of the readings.
     */
    private SortedMap<String, Double> smoothedSignals(
            String storeId, long at, List<StoreSensorEvent> recent, Function<StoreSensorEvent, String> by) {
        List<StoreSensorEvent> inWindow = recent.stream()
                .filter(r -> r.storeId().equals(storeId) && r.ts() > at - windowMillis && r.ts() <= at)
                .toList();
        boolean located = inWindow.stream().anyMatch(r -> rules.locatingKinds().contains(r.kind()));
        Map<String, long[]> sumAndCount = new HashMap<>();
        for (StoreSensorEvent reading : inWindow) {
            if (located == rules.locatingKinds().contains(reading.kind())) {
                long[] acc = sumAndCount.computeIfAbsent(by.apply(reading), key -> new long[2]);
                acc[0] += reading.rssi();
                acc[1]++;
            }
        }
        SortedMap<String, Double> signals = new TreeMap<>();
        sumAndCount.forEach((key, acc) -> signals.put(key, (double) acc[0] / acc[1]));
        return signals;
    }

    /** The zone with the strongest signal other than {@code except}, ties to the first zone id; null if none. */
    private static String strongest(SortedMap<String, Double> signals, String except) {
        String best = null;
        for (Map.Entry<String, Double> zone : signals.entrySet()) {
            if (!zone.getKey().equals(except) && (best == null || zone.getValue() > signals.get(best))) {
                best = zone.getKey();
            }
        }
        return best;
    }

    /**
     * Closes the zone visit of every store the device has not been heard in for the exit timeout by
     * {@code until}, in deadline order: a gap of exactly the exit timeout closes it, at its last reading.
     */
    private void expire(Map<String, ZoneStay> open, String deviceId, long until, Collector<ZoneVisit> out) {
        List<String> storeIds = new ArrayList<>(open.keySet());
        storeIds.sort(Comparator.<String>comparingLong(id -> open.get(id).exitDeadline(exitTimeoutMillis))
                .thenComparing(Comparator.naturalOrder()));
        for (String storeId : storeIds) {
            ZoneStay stay = open.get(storeId);
            if (stay.exitDeadline(exitTimeoutMillis) <= until) {
                visit(out, deviceId, storeId, stay.zoneId, stay.enteredAt, stay.lastReadingAt, stay.readings);
                open.remove(storeId);
            }
        }
    }

    /** Drops the readings that no instant after {@code at} can smooth, and those of stores the device left. */
    private void forget(List<StoreSensorEvent> recent, Map<String, ZoneStay> open, long at) {
        recent.removeIf(r -> r.ts() <= at - windowMillis || !open.containsKey(r.storeId()));
    }

    /** Writes the stays and readings back; a device that had and has none is not written to at all. */
    private void save(Map<String, ZoneStay> open, List<StoreSensorEvent> recent, DeviceZoneState stored)
            throws Exception {
        // Nothing empty is stored: the state of a device that left is cleared.
        if (open.isEmpty() && recent.isEmpty()) {
            if (stored != null) {
                device.clear();
            }
            return;
        }
        DeviceZoneState updated = stored == null ? new DeviceZoneState() : stored;
        updated.stays = open;
        updated.recent = recent;
        device.update(updated);
    }

    private void visit(
            Collector<ZoneVisit> out, String deviceId, String storeId, String zoneId, long enteredAt, long exitedAt,
            int readings) {
        zoneVisits.inc();
        out.collect(ZoneVisit.of(deviceId, storeId, zoneId, enteredAt, exitedAt, readings));
    }

    /** Dated by the reading's own time: sensor readings do not carry their arrival. */
    private static DeadLetter late(StoreSensorEvent reading, long watermark) {
        String summary = String.format(Locale.ROOT,
                "{\"sensorId\":\"%s\",\"storeId\":\"%s\",\"zoneId\":\"%s\",\"kind\":\"%s\",\"deviceHash\":\"%s\","
                        + "\"rssi\":%d,\"ts\":%d}",
                reading.sensorId(), reading.storeId(), reading.zoneId(), reading.kind(), reading.deviceId(),
                reading.rssi(), reading.ts());
        return DeadLetter.decided(InputTopic.STORE_SENSORS.defaultTopicName(), DeadLetterReason.LATE_EVENT.code(),
                "event time " + reading.ts() + " is behind the watermark " + watermark, summary, reading.ts());
    }

    private static final Comparator<StoreSensorEvent> BY_SENSOR = Comparator.comparing(StoreSensorEvent::sensorId)
            .thenComparing(StoreSensorEvent::storeId)
            .thenComparing(StoreSensorEvent::zoneId)
            .thenComparing(StoreSensorEvent::kind)
            .thenComparing(StoreSensorEvent::rssi);

    private static int bySensor(StoreSensorEvent a, StoreSensorEvent b) {
        return BY_SENSOR.compare(a, b);
    }
}
