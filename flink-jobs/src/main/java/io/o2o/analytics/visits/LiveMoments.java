package io.o2o.analytics.visits;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.metrics.Tally;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The live speed of visit detection (docs/visit-detection.md, "Two speeds"): the session rules of
 * {@link VisitDetector}, applied to each device's pings as they arrive instead of behind the watermark. A device's
 * own pings come almost always in order, so waiting for the slowest partition of every input topic (the watermark,
 * a minute behind the newest event) buys a device nothing; an entry is known when the ping that confirms it arrives,
 * a pass-by when the fix beyond the near-buffer does.
 *
 * <p>A ping older than the device's newest ping applied is left out here (counted): the live path never goes back.
 * The final path ({@link VisitDetector}) orders it in and decides again; where the two differ, the final decision is
 * the record. A ping behind the watermark is late for both and the final path dead-letters it. Only a phone that falls
 * silent waits for the watermark: its sessions time out as event time passes their deadline.
 *
 * <p>Decisions carry no customer: who the device belongs to is decided in event time, and attributed downstream.
 * Keyed by the hashed device id; state only while the device is near a store ({@link LiveDeviceState}).
 */
public class LiveMoments extends KeyedProcessFunction<String, LbsPing, StoreVisitEvent> {
    private static final long serialVersionUID = 1L;

    /** Job accumulators with the number of live decisions of each type, for a run's summary. */
    public static final String ACCUMULATOR_PREFIX = "live.";

    /** Job accumulator: pings that arrived behind (or as a copy of) their device's newest, left to the final path. */
    public static final String OUT_OF_ORDER_ACCUMULATOR = "live.outOfOrderPings";

    private static final List<String> DECISION_TYPES = List.of(
            StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT, StoreVisitEvent.PASS_BY);

    private final FenceCatalog fences;
    private final VisitRules rules;

    private transient StoreSessions storeSessions;
    private transient ValueState<LiveDeviceState> device;
    private transient Tally outOfOrder;
    private transient Map<String, Tally> decisions;

    public LiveMoments(FenceCatalog fences, VisitRules rules) {
        this.fences = fences;
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        storeSessions = new StoreSessions(FenceIndex.build(fences), rules);
        device = getRuntimeContext().getState(
                new ValueStateDescriptor<>("live-device-state", TypeInformation.of(LiveDeviceState.class)));
        outOfOrder = Tally.register(getRuntimeContext(), "liveOutOfOrderPings", OUT_OF_ORDER_ACCUMULATOR);
        decisions = Tally.perKind(getRuntimeContext(), "liveDecisions.", ACCUMULATOR_PREFIX, DECISION_TYPES);
    }

    @Override
    public void processElement(LbsPing ping, Context ctx, Collector<StoreVisitEvent> out) throws Exception {
        if (ping.ts() <= ctx.timerService().currentWatermark()) {
            return;
        }
        LiveDeviceState stored = device.value();
        if (stored != null && ping.ts() <= stored.lastPingAt) {
            outOfOrder.inc();
            return;
        }
        LiveDeviceState state = stored == null ? new LiveDeviceState() : stored;
        Consumer<StoreVisitEvent> decide = decision -> decide(out, decision);
        String deviceId = ctx.getCurrentKey();
        storeSessions.expire(state.sessions, deviceId, ping.ts(), decide);
        storeSessions.apply(ping, deviceId, state.sessions, decide);
        state.lastPingAt = ping.ts();
        keep(state, stored != null, ctx);
    }

    /** A phone fell silent: its sessions end as event time passes their deadlines. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreVisitEvent> out) throws Exception {
        LiveDeviceState state = device.value();
        if (state == null || state.timerAt != timestamp) {
            return;
        }
        state.timerAt = 0;
        storeSessions.expire(state.sessions, ctx.getCurrentKey(), timestamp, decision -> decide(out, decision));
        keep(state, true, ctx);
    }

    /**
     * Writes the device's state back with one timer at its next deadline, or clears it once no session is open.
     * Deadlines only move later (a ping in order starts or extends a session at its own, later, time), so the timer
     * registered stays the earliest one needed, and a ping does not register a timer of its own.
     */
    private void keep(LiveDeviceState state, boolean stored, Context ctx) throws Exception {
        if (state.sessions.isEmpty()) {
            if (state.timerAt != 0) {
                ctx.timerService().deleteEventTimeTimer(state.timerAt);
            }
            if (stored) {
                device.clear();
            }
            return;
        }
        if (state.timerAt == 0) {
            state.timerAt = storeSessions.nextDeadline(state.sessions);
            ctx.timerService().registerEventTimeTimer(state.timerAt);
        }
        device.update(state);
    }

    private void decide(Collector<StoreVisitEvent> out, StoreVisitEvent decision) {
        decisions.get(decision.type()).inc();
        out.collect(decision);
    }
}
