package io.o2o.analytics.metrics;

import io.o2o.analytics.records.StoreVisitEvent;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Phones inside each store now ({@code store_live_occupancy}, field {@code devices}), from the live moments
 * (docs/visit-detection.md, two speeds): one more at each live entry, one fewer at each live exit, and a point at
 * every change, seconds after the ping. {@code store_traffic}'s occupancy says the same a minute and an exit timeout
 * later, final.
 *
 * <p>The live path ends every visit it opened (a fix beyond the store, or the exit timeout), so the live count comes
 * back to the final one as phones leave; in between it may differ by the visits whose pings came out of order. Points
 * are dated by the moment (an entry by the ping that confirmed it, an exit by the last presence), never earlier than
 * the store's previous point, so the newest point is the count now.
 *
 * <p>Keyed by store: the load is a store's entries and exits, not the city's pings.
 */
public class LiveOccupancy extends KeyedProcessFunction<String, StoreVisitEvent, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "store_live_occupancy";

    /** A store's live count and the time of its latest point. */
    public static class StoreCount {
        public long devices;
        public long lastPointAt = Long.MIN_VALUE;

        public StoreCount() {}
    }

    private transient ValueState<StoreCount> count;

    public static boolean counts(StoreVisitEvent moment) {
        return StoreVisitEvent.ENTER.equals(moment.type()) || StoreVisitEvent.EXIT.equals(moment.type());
    }

    @Override
    public void open(OpenContext openContext) {
        count = getRuntimeContext().getState(
                new ValueStateDescriptor<>("live-occupancy", TypeInformation.of(StoreCount.class)));
    }

    @Override
    public void processElement(StoreVisitEvent moment, Context ctx, Collector<MetricPoint> out) throws Exception {
        StoreCount store = count.value();
        if (store == null) {
            store = new StoreCount();
        }
        long at;
        if (StoreVisitEvent.ENTER.equals(moment.type())) {
            store.devices++;
            at = moment.decidedAt() != null ? moment.decidedAt() : moment.eventTime();
        } else {
            // An exit whose entry came before a restore from an older state: never below nobody.
            store.devices = Math.max(0, store.devices - 1);
            at = moment.eventTime();
        }
        store.lastPointAt = Math.max(store.lastPointAt, at);
        count.update(store);
        out.collect(MetricPoint.of(MEASUREMENT, Map.of("store", moment.storeId()), Map.of("devices", store.devices),
                store.lastPointAt));
    }
}
