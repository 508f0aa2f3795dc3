package io.o2o.analytics.metrics;

import io.o2o.analytics.zones.ZoneSignal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Zone activity per store, zone and minute ({@code zone_activity}): zone entries, the devices in the zone at the
 * end of the minute, and the zone visits that ended in it with their dwell distribution (mean, p50, p90) and
 * dwell buckets (under 1 minute, 1-5, 5-15, over 15), from the zone presence of in-store sensors.
 *
 * <p>Keyed by {@link ZoneSignal#zoneKey}: store and zone. Occupancy is a running total carried from minute to
 * minute; while it is above zero the zone gets a point every minute.
 */
public class ZoneActivityAggregator extends EventTimeBuckets<String, ZoneSignal, ZoneBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "zone_activity";
    private static final long MINUTE = 60_000;

    private transient ValueState<Long> occupancy;

    /** @param decisionDelay how long after an instant zone presence may still decide an entry or exit */
    public ZoneActivityAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, ZoneBucket.class);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        occupancy = getRuntimeContext().getState(new ValueStateDescriptor<>("zone-occupancy", Types.LONG));
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
        if (signal.entry()) {
            bucket.entries++;
            return;
        }
        bucket.exits++;
        bucket.dwellMillis.add(signal.dwellMillis());
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
        out.collect(MetricPoint.of(
                MEASUREMENT, Map.of("store", ZoneSignal.storeOf(key), "zone", ZoneSignal.zoneOf(key)), fields, bucketStart));
    }

    @Override
    protected boolean continuesAfter(String key) throws Exception {
        return occupancy.value() != null;
    }
}
