package io.o2o.analytics.metrics;

import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Store traffic per store and minute ({@code store_traffic}) and the dwell distribution of the visits
 * that ended in that minute ({@code store_dwell}), from the visit detector's decisions.
 *
 * <p>Occupancy is a running total (entries minus exits) carried from minute to minute; while it is above
 * zero a store gets a point every minute, even a quiet one, so the dashboard's gauge stays live.
 */
public class StoreTrafficAggregator extends EventTimeBuckets<String, StoreVisitEvent, TrafficBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String TRAFFIC = "store_traffic";
    public static final String DWELL = "store_dwell";

    private transient ValueState<Long> occupancy;

    /** @param decisionDelay how long after an instant the detector may still emit decisions about it */
    public StoreTrafficAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, TrafficBucket.class);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        occupancy = getRuntimeContext().getState(new ValueStateDescriptor<>("occupancy", Types.LONG));
    }

    @Override
    protected long eventTimeOf(StoreVisitEvent event) {
        return event.eventTime();
    }

    @Override
    protected TrafficBucket newBucket() {
        return new TrafficBucket();
    }

    @Override
    protected void add(TrafficBucket bucket, StoreVisitEvent event) {
        switch (event.type()) {
            case StoreVisitEvent.ENTER -> bucket.entries++;
            case StoreVisitEvent.EXIT -> bucket.exits++;
            case StoreVisitEvent.PASS_BY -> bucket.passersBy++;
            case StoreVisitEvent.VISIT -> {
                bucket.visits++;
                if (event.customerId() != null) {
                    bucket.knownVisits++;
                }
                bucket.dwellMillis.add(event.dwellMillis());
                if (!bucket.visitorIds.contains(event.deviceId())) {
                    bucket.visitorIds.add(event.deviceId());
                }
            }
            case StoreVisitEvent.REATTRIBUTED -> {
                // Who the visitor is changes nothing about the store's traffic.
            }
            default -> throw new IllegalArgumentException("unknown visit event type " + event.type());
        }
    }

    @Override
    protected void emit(String storeId, long bucketStart, TrafficBucket bucket, Collector<MetricPoint> out)
            throws Exception {
        long current = addToRunningTotal(occupancy, bucket.entries - bucket.exits);
        Map<String, String> tags = Map.of("store", storeId);
        out.collect(MetricPoint.of(
                TRAFFIC,
                tags,
                Map.of(
                        "entries", bucket.entries,
                        "exits", bucket.exits,
                        "visits", bucket.visits,
                        "known_visits", bucket.knownVisits,
                        "visitors", (long) bucket.visitorIds.size(),
                        "passers_by", bucket.passersBy,
                        "occupancy", current),
                bucketStart));
        if (!bucket.dwellMillis.isEmpty()) {
            DwellStats dwell = DwellStats.of(bucket.dwellMillis);
            out.collect(MetricPoint.of(
                    DWELL,
                    tags,
                    Map.of(
                            "visits", (long) bucket.dwellMillis.size(),
                            "mean_s", dwell.meanSeconds(),
                            "p50_s", dwell.p50Seconds(),
                            "p90_s", dwell.p90Seconds(),
                            "max_s", dwell.maxSeconds()),
                    bucketStart));
        }
    }

    @Override
    protected boolean carriesRunningTotal() {
        return true;
    }

    @Override
    protected boolean continuesAfter(String storeId) throws Exception {
        return occupancy.value() != null;
    }
}
