package io.o2o.analytics.visits;

import io.o2o.analytics.metrics.StoreCustomerEvent;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tells a returning visitor from a new one: a visit is returning if the same device visited the same store
 * within {@code window} before its entry.
 *
 * <p>Keyed by {@link #keyOf} (store and device): one device's visits to one store arrive in the order the
 * visit detector decided them, whatever the parallelism. State per key: the last visit's exit, cleared by an
 * event-time timer when the window has passed without another visit.
 */
public class ReturningVisitors extends KeyedProcessFunction<String, StoreVisitEvent, StoreCustomerEvent> {
    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private transient ValueState<Long> lastExit;

    public ReturningVisitors(Duration window) {
        this.windowMillis = window.toMillis();
    }

    public static String keyOf(StoreVisitEvent visit) {
        return visit.storeId() + '|' + visit.deviceId();
    }

    @Override
    public void open(OpenContext openContext) {
        lastExit = getRuntimeContext().getState(new ValueStateDescriptor<>("last-visit-exit", Types.LONG));
    }

    @Override
    public void processElement(StoreVisitEvent visit, Context ctx, Collector<StoreCustomerEvent> out) throws Exception {
        Long previous = lastExit.value();
        boolean returning = previous != null && visit.enteredAt() - previous <= windowMillis;
        out.collect(StoreCustomerEvent.visit(visit, returning));
        if (previous == null || visit.exitedAt() > previous) {
            lastExit.update(visit.exitedAt());
            ctx.timerService().registerEventTimeTimer(visit.exitedAt() + windowMillis);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreCustomerEvent> out) throws Exception {
        Long previous = lastExit.value();
        if (previous != null && previous + windowMillis <= timestamp) {
            lastExit.clear();
        }
    }
}
