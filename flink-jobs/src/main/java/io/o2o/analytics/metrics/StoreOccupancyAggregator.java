package io.o2o.analytics.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * A store's occupancy by its two witnesses, per minute ({@code store_occupancy}): the door counter's people in
 * and out and the occupancy they add up to (every person), beside the occupancy of the phones the visit
 * detector saw inside, and the share of people the phones account for.
 *
 * <p>Phones undercount (not everyone carries one that shares its location; randomised MAC addresses hide some
 * from sensors) while the door counts everybody: the device share says how far the device-based figures
 * (visits, dwell, zones) stand for the store's whole traffic. Both occupancies are running totals kept from
 * minute to minute, never below zero; while either is above zero a store gets a point every minute.
 */
public class StoreOccupancyAggregator
        extends EventTimeBuckets<String, OccupancySignal, OccupancyBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "store_occupancy";

    private transient ValueState<Long> doorOccupancy;
    private transient ValueState<Long> deviceOccupancy;

    /** @param decisionDelay how long after an instant the visit detector may still decide an entry or exit */
    public StoreOccupancyAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, OccupancyBucket.class);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        doorOccupancy = getRuntimeContext().getState(new ValueStateDescriptor<>("door-occupancy", Types.LONG));
        deviceOccupancy = getRuntimeContext().getState(new ValueStateDescriptor<>("device-occupancy", Types.LONG));
    }

    @Override
    protected long eventTimeOf(OccupancySignal signal) {
        return signal.ts();
    }

    @Override
    protected OccupancyBucket newBucket() {
        return new OccupancyBucket();
    }

    @Override
    protected void add(OccupancyBucket bucket, OccupancySignal signal) {
        bucket.doorIn += signal.doorIn();
        bucket.doorOut += signal.doorOut();
        bucket.deviceEntries += signal.deviceEntries();
        bucket.deviceExits += signal.deviceExits();
    }

    @Override
    protected void emit(String storeId, long bucketStart, OccupancyBucket bucket, Collector<MetricPoint> out)
            throws Exception {
        long door = addToRunningTotal(doorOccupancy, bucket.doorIn - bucket.doorOut);
        long devices = addToRunningTotal(deviceOccupancy, bucket.deviceEntries - bucket.deviceExits);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("door_in", bucket.doorIn);
        fields.put("door_out", bucket.doorOut);
        fields.put("door_occupancy", door);
        fields.put("device_occupancy", devices);
        if (door > 0) {
            fields.put("device_share", (double) devices / door);
        }
        out.collect(MetricPoint.of(MEASUREMENT, Map.of("store", storeId), fields, bucketStart));
    }

    @Override
    protected boolean carriesRunningTotal() {
        return true;
    }

    @Override
    protected boolean continuesAfter(String storeId) throws Exception {
        return doorOccupancy.value() != null || deviceOccupancy.value() != null;
    }
}
