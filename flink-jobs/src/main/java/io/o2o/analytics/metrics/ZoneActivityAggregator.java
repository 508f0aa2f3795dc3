package io.o2o.analytics.metrics;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.ZoneFence;
import io.o2o.analytics.zones.ZoneSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Zone activity per store, zone and minute ({@code zone_activity}): zone entries, the devices in the zone at the
 * end of the minute, and the zone visits that ended in it with their dwell distribution (mean, p50, p90) and
 * dwell buckets (under 1 minute, 1-5, 5-15, over 15), from the zone presence of in-store sensors.
 *
 * <p>Checkout zones also get the queue signal: {@code mean_wait_s}, how long the devices in the zone at the end
 * of the minute have been in it on average, and {@code queue}, 1 while at least {@code queueMinDevices} are
 * there and have waited {@code queueMinWait} on average (a line at the tills), else 0.
 *
 * <p>Keyed by {@link ZoneSignal#zoneKey}: store and zone. Occupancy is a running total carried from minute to
 * minute; while it is above zero the zone gets a point every minute. State per zone: its open minutes, its
 * occupancy, and for a checkout zone when each device in it entered.
 */
public class ZoneActivityAggregator extends EventTimeBuckets<String, ZoneSignal, ZoneBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "zone_activity";
    public static final String CHECKOUT = "checkout";
    private static final long MINUTE = 60_000;

    private final Set<String> checkoutZones;
    private final long queueMinDevices;
    private final long queueMinWaitMillis;

    private transient ValueState<Long> occupancy;
    /** For a checkout zone, when each device now in it entered. */
    private transient ListState<Long> waitingSince;

    /**
     * @param decisionDelay how long after an instant zone presence may still decide an entry or exit
     * @param checkoutZones the ids of the zones at the tills, where the queue signal is computed
     */
    public ZoneActivityAggregator(Duration period, Duration decisionDelay, Set<String> checkoutZones,
            int queueMinDevices, Duration queueMinWait) {
        super(period, decisionDelay, ZoneBucket.class);
        this.checkoutZones = Set.copyOf(checkoutZones);
        this.queueMinDevices = queueMinDevices;
        this.queueMinWaitMillis = queueMinWait.toMillis();
    }

    /** The ids of the checkout zones of a fence catalogue. */
    public static Set<String> checkoutZonesOf(FenceCatalog fences) {
        return fences.zones().stream()
                .filter(zone -> CHECKOUT.equals(zone.kind()))
                .map(ZoneFence::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        occupancy = getRuntimeContext().getState(new ValueStateDescriptor<>("zone-occupancy", Types.LONG));
        waitingSince = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting-since", Types.LONG));
    }

    @Override
    protected long eventTimeOf(ZoneSignal signal) {
        return signal.ts();
    }

    @Override
    protected ZoneBucket newBucket() {
        return new ZoneBucket();
    }

    @Override
    protected void add(ZoneBucket bucket, ZoneSignal signal) {
        boolean checkout = checkoutZones.contains(signal.zoneId());
        if (signal.entry()) {
            bucket.entries++;
            if (checkout) {
                bucket.enteredAt.add(signal.ts());
            }
            return;
        }
        bucket.exits++;
        bucket.dwellMillis.add(signal.dwellMillis());
        if (checkout) {
            bucket.leftEnteredAt.add(signal.ts() - signal.dwellMillis());
        }
    }

    @Override
    protected void emit(String key, long bucketStart, ZoneBucket bucket, Collector<MetricPoint> out) throws Exception {
        long current = addToRunningTotal(occupancy, bucket.entries - bucket.exits);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("entries", bucket.entries);
        fields.put("visits", (long) bucket.dwellMillis.size());
        fields.put("occupancy", current);
        long[] buckets = new long[4];
        for (long dwell : bucket.dwellMillis) {
            buckets[dwell < MINUTE ? 0 : dwell < 5 * MINUTE ? 1 : dwell < 15 * MINUTE ? 2 : 3]++;
        }
        fields.put("dwell_under_1m", buckets[0]);
        fields.put("dwell_1_5m", buckets[1]);
        fields.put("dwell_5_15m", buckets[2]);
        fields.put("dwell_over_15m", buckets[3]);
        if (!bucket.dwellMillis.isEmpty()) {
            DwellStats dwell = DwellStats.of(bucket.dwellMillis);
            fields.put("mean_s", dwell.meanSeconds());
            fields.put("p50_s", dwell.p50Seconds());
            fields.put("p90_s", dwell.p90Seconds());
        }
        String zoneId = ZoneSignal.zoneOf(key);
        if (checkoutZones.contains(zoneId)) {
            queueSignal(bucket, bucketStart + bucketMillis(), fields);
        }
        out.collect(MetricPoint.of(MEASUREMENT, Map.of("store", ZoneSignal.storeOf(key), "zone", zoneId), fields, bucketStart));
    }

    /** Who waits at the tills at {@code minuteEnd}, and for how long on average. */
    private void queueSignal(ZoneBucket bucket, long minuteEnd, Map<String, Object> fields) throws Exception {
        List<Long> waiting = new ArrayList<>();
        waitingSince.get().forEach(waiting::add);
        waiting.addAll(bucket.enteredAt);
        for (Long left : bucket.leftEnteredAt) {
            waiting.remove(left);
        }
        waitingSince.update(waiting);
        double meanWaitMillis = waiting.stream().mapToLong(since -> minuteEnd - since).average().orElse(0);
        if (!waiting.isEmpty()) {
            fields.put("mean_wait_s", meanWaitMillis / 1000.0);
        }
        boolean queue = waiting.size() >= queueMinDevices && meanWaitMillis >= queueMinWaitMillis;
        fields.put("queue", queue ? 1L : 0L);
    }

    @Override
    protected boolean carriesRunningTotal() {
        return true;
    }

    @Override
    protected boolean continuesAfter(String key) throws Exception {
        return occupancy.value() != null;
    }
}
