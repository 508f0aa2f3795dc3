package io.o2o.analytics.identity;

import io.o2o.analytics.records.LbsPing;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns pings that carry both a device and a user into identity evidence, once per pair and refresh
 * period rather than once per ping: the resolver is a single key, so it must see evidence, not traffic.
 * Re-sent once per {@code refresh} so that an active pair never reaches the resolver's TTL. Keyed by
 * the hashed device id; its state is cleared one refresh period after the device's last evidence.
 */
public class DeviceUserEvidence extends KeyedProcessFunction<String, LbsPing, IdentityEdge> {
    private static final long serialVersionUID = 1L;

    private final long refreshMillis;
    /** The last user sent for this device, and when. */
    private transient ValueState<Tuple2<String, Long>> lastSent;

    public DeviceUserEvidence(Duration refresh) {
        this.refreshMillis = refresh.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lastSent = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("last-sent", Types.TUPLE(Types.STRING, Types.LONG)));
    }

    @Override
    public void processElement(LbsPing ping, Context ctx, Collector<IdentityEdge> out) throws Exception {
        if (ping.userId() == null) {
            return;
        }
        Tuple2<String, Long> last = lastSent.value();
        // Earlier evidence than what was sent is sent too (pings arrive out of order): the resolver orders
        // evidence by time, so the customer then dates from the first sighting, whatever the arrival order.
        if (last != null && last.f0.equals(ping.userId()) && ping.ts() >= last.f1
                && ping.ts() - last.f1 < refreshMillis) {
            return;
        }
        out.collect(IdentityEdge.of("device:" + ping.deviceId(), "user:" + ping.userId(), ping.ts(), "lbs-pings"));
        long sentAt = last == null || !last.f0.equals(ping.userId()) ? ping.ts() : Math.max(ping.ts(), last.f1);
        lastSent.update(Tuple2.of(ping.userId(), sentAt));
        ctx.timerService().registerEventTimeTimer(sentAt + 2 * refreshMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<IdentityEdge> out) throws Exception {
        Tuple2<String, Long> last = lastSent.value();
        if (last != null && last.f1 + 2 * refreshMillis <= timestamp) {
            lastSent.clear();
        }
    }
}
