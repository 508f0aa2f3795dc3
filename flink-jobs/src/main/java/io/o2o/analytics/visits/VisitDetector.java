package io.o2o.analytics.visits;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.metrics.Tally;
import io.o2o.analytics.ingest.DeadLetterReason;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.state.EarlierStateLayout;
import io.o2o.analytics.state.EventTimeBuffer;
import io.o2o.analytics.state.EventTimeExpiry;
import io.o2o.analytics.state.SettledKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, per device and in event time, when it entered and left each store, which stays were visits
 * and which approaches were pass-bys (docs/visit-detection.md).
 *
 * <p>Pings are held until the watermark passes them and are then replayed in event-time order, so the
 * decisions do not depend on the order in which pings arrived. Entry uses a hysteresis band: a ping must
 * be {@code enterDepthM} inside the footprint to count towards an entry, while any ping within
 * {@code exitMarginM} outside it keeps an open visit alive; a visit ends only after {@code exitTimeout}
 * without presence, so GPS jitter at the wall never produces enter/exit pairs.
 *
 * <p>Its second input tells which customer the device belongs to (docs/identity.md). Assignments are
 * applied in event-time order together with the pings: every decision carries the customer known at its
 * instant, and a visit open when its device joins another customer is {@code reattributed}.
 *
 * <p>Keyed by the hashed device id. State per device: pings and assignments not yet passed by the
 * watermark, one small session per store the device is near (both empty, and so cleared, when the device is
 * away from every store), and the device's customer (kept until the device has been idle for the identity TTL in
 * event time, {@link EventTimeExpiry}).
 */
public class VisitDetector extends KeyedCoProcessFunction<String, LbsPing, CustomerAssignment, StoreVisitEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> REJECTED_PINGS = new OutputTag<>("rejected-pings") {};

    /** Job accumulators with the number of decisions of each type, for a run's summary. */
    public static final String ACCUMULATOR_PREFIX = "decisions.";

    /** Job accumulator: pings sent to the dead letters here (late or duplicate). */
    public static final String REJECTED_ACCUMULATOR = "visits.rejectedPings";

    public static final List<String> DECISION_TYPES = List.of(
            StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT, StoreVisitEvent.PASS_BY,
            StoreVisitEvent.REATTRIBUTED);

    /** Key of the customer-assignment input: the hashed device id of a {@code device:} identifier. */
    public static String deviceOf(CustomerAssignment assignment) {
        return assignment.node().substring(DEVICE_PREFIX.length());
    }

    public static final String DEVICE_PREFIX = "device:";

    /** A state of the earlier layout, the sessions alone then ({@link EarlierStateLayout}). */
    static final String SEPARATE_STATES_GUARD = "store-sessions";

    private final EventTimeBuffer<LbsPing> pendingPings = EventTimeBuffer.of(
            "pending-pings", LbsPing.class, LbsPing::ts, VisitDetector::byAccuracyThenPosition);
    private final EventTimeBuffer<CustomerAssignment> pendingAssignments = EventTimeBuffer.of(
            "pending-assignments", CustomerAssignment.class, CustomerAssignment::ts,
            (a, b) -> a.customerId().compareTo(b.customerId()));

    private final FenceCatalog fences;
    private final VisitRules rules;
    /** Forgets the device's customer once the device was idle (no ping, no assignment) for the identity TTL. */
    private final EventTimeExpiry customerExpiry;

    private transient StoreSessions storeSessions;
    /** The device's sessions, customer and the customer's expiry clock, as one value (see {@link DeviceVisitState}). */
    private transient ValueState<DeviceVisitState> device;
    private transient SettledKeys settled;
    /** The customer during one callback, so every decision of that callback is stamped with it. */
    private transient String currentCustomer;
    /** The customer's expiry clock during one callback; written back with the device's state. */
    private transient EventTimeExpiry.Clock currentExpiry;
    private transient Tally rejectedPings;
    private transient Map<String, Tally> decisions;

    public VisitDetector(FenceCatalog fences, VisitRules rules, Duration identityTtl) {
        this.fences = fences;
        this.rules = rules;
        this.customerExpiry = new EventTimeExpiry("customer-expiry", identityTtl);
    }

    @Override
    public void open(OpenContext openContext) {
        storeSessions = new StoreSessions(FenceIndex.build(fences), rules);
        settled = new SettledKeys();
        pendingPings.open(getRuntimeContext());
        pendingAssignments.open(getRuntimeContext());
        EarlierStateLayout.refuse(getRuntimeContext(), SEPARATE_STATES_GUARD,
                "visit detection's state (a device's sessions, customer and expiry as separate states)");
        device = getRuntimeContext().getState(
                new ValueStateDescriptor<>("device-visit-state", TypeInformation.of(DeviceVisitState.class)));
        rejectedPings = Tally.register(getRuntimeContext(), "rejectedPings", REJECTED_ACCUMULATOR);
        decisions = Tally.perKind(getRuntimeContext(), "decisions.", ACCUMULATOR_PREFIX, DECISION_TYPES);
    }

    @Override
    public void processElement1(LbsPing ping, Context ctx, Collector<StoreVisitEvent> out) throws Exception {
        if (ping.ts() <= ctx.timerService().currentWatermark()) {
            long watermark = ctx.timerService().currentWatermark();
            reject(ctx, rejected(ping, DeadLetterReason.LATE_EVENT,
                    "event time " + ping.ts() + " is behind the watermark " + watermark));
            return;
        }
        pendingPings.add(ping);
        ctx.timerService().registerEventTimeTimer(ping.ts());
    }

    /**
     * The device now belongs to a customer. Applied in event time with the pings, so a decision carries the
     * customer known at its instant whatever the arrival order; one already behind the watermark applies now.
     */
    @Override
    public void processElement2(CustomerAssignment assignment, Context ctx, Collector<StoreVisitEvent> out)
            throws Exception {
        if (assignment.ts() <= ctx.timerService().currentWatermark()) {
            DeviceVisitState stored = device.value();
            currentCustomer = stored == null ? null : stored.customerId;
            currentExpiry = stored == null ? null : stored.customerExpiry;
            // A copy, as before: the sessions are not written back here.
            Map<String, StoreSession> open = copyOf(stored);
            assignAt(assignment, ctx.getCurrentKey(), open, ctx, out);
            DeviceVisitState updated = stored == null ? new DeviceVisitState() : stored;
            updated.customerId = currentCustomer;
            updated.customerExpiry = currentExpiry;
            device.update(updated);
            return;
        }
        pendingAssignments.add(assignment);
        ctx.timerService().registerEventTimeTimer(assignment.ts());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreVisitEvent> out) throws Exception {
        long horizon = Math.max(timestamp, ctx.timerService().currentWatermark());
        String deviceId = ctx.getCurrentKey();
        // The first timer of this watermark advance handled everything up to the horizon; the others find nothing.
        if (settled.alreadySettled(deviceId, horizon)) {
            return;
        }
        List<LbsPing> due = pendingPings.takeDue(horizon);

        DeviceVisitState stored = device.value();
        Map<String, StoreSession> open = copyOf(stored);
        List<CustomerAssignment> dueAssignments = pendingAssignments.takeDue(horizon);
        currentCustomer = stored == null ? null : stored.customerId;
        currentExpiry = stored == null ? null : stored.customerExpiry;
        int nextAssignment = 0;
        LbsPing previous = null;
        Consumer<StoreVisitEvent> decide = decisions(out);
        for (LbsPing ping : due) {
            // At one instant, who the device is is settled before what it did.
            while (nextAssignment < dueAssignments.size() && dueAssignments.get(nextAssignment).ts() <= ping.ts()) {
                assignAt(dueAssignments.get(nextAssignment++), deviceId, open, ctx, out);
            }
            activeAt(ping.ts(), deviceId, open, ctx, out);
            // A phone re-sending a batch delivers the same fix twice; counted twice it could confirm an entry.
            if (ping.sameFixAs(previous)) {
                reject(ctx, rejected(ping, DeadLetterReason.DUPLICATE_EVENT, "the same fix arrived twice"));
            } else {
                storeSessions.expire(open, deviceId, ping.ts(), decide);
                storeSessions.apply(ping, deviceId, open, decide);
            }
            previous = ping;
        }
        while (nextAssignment < dueAssignments.size()) {
            assignAt(dueAssignments.get(nextAssignment++), deviceId, open, ctx, out);
        }
        storeSessions.expire(open, deviceId, horizon, decide);
        if (currentCustomer != null && currentExpiry != null
                && customerExpiry.expiredAt(currentExpiry, horizon, false, ctx.timerService())) {
            currentCustomer = null;
            currentExpiry = null;
        }
        DeviceVisitState updated = stored == null ? new DeviceVisitState() : stored;
        updated.sessions = open;
        updated.customerId = currentCustomer;
        updated.customerExpiry = currentExpiry;
        if (!updated.isEmpty()) {
            device.update(updated);
        } else if (stored != null) {
            device.clear();
        }
        long nextDeadline = storeSessions.nextDeadline(open);
        if (nextDeadline != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(nextDeadline);
        }
    }

    /**
     * The device pinged or was assigned at {@code at}, in event-time order: a customer it has been idle for the TTL
     * before that is forgotten first (decisions at {@code at} carry none), and an active one is kept for longer.
     * Sessions whose deadline came before are closed first, with the customer they had then. Devices without a
     * customer keep no expiry state.
     *
     * @return whether the device still has a customer
     */
    private boolean activeAt(long at, String deviceId, Map<String, StoreSession> open, Context ctx,
            Collector<StoreVisitEvent> out) throws Exception {
        if (currentCustomer == null) {
            return false;
        }
        storeSessions.expire(open, deviceId, at, decisions(out));
        if (currentExpiry != null && customerExpiry.expiredAt(currentExpiry, at, true, ctx.timerService())) {
            currentCustomer = null;
            currentExpiry = null;
            return false;
        }
        currentExpiry = customerExpiry.touch(currentExpiry, at, ctx.timerService());
        return true;
    }

    private void assignAt(CustomerAssignment assignment, String deviceId, Map<String, StoreSession> open, Context ctx,
            Collector<StoreVisitEvent> out) throws Exception {
        boolean kept = activeAt(assignment.ts(), deviceId, open, ctx, out);
        assign(assignment, deviceId, open, out);
        if (!kept) {
            currentExpiry = customerExpiry.touch(currentExpiry, assignment.ts(), ctx.timerService());
        }
    }

    /**
     * The stored sessions in a map of this callback's own, filled in stored order like the map state they
     * replace was read: on the heap backend the stored map is the state itself.
     */
    private static Map<String, StoreSession> copyOf(DeviceVisitState stored) {
        return stored == null ? new HashMap<>() : new HashMap<>(stored.sessions);
    }

    /** From {@code assignment.ts()} on, the device is that customer's; an open visit is re-attributed. */
    private void assign(
            CustomerAssignment assignment, String deviceId, Map<String, StoreSession> open,
            Collector<StoreVisitEvent> out) {
        storeSessions.expire(open, deviceId, assignment.ts(), decisions(out));
        boolean changed = !assignment.customerId().equals(currentCustomer);
        currentCustomer = assignment.customerId();
        if (!changed) {
            return;
        }
        List<String> storeIds = new ArrayList<>(open.keySet());
        storeIds.sort(null);
        for (String storeId : storeIds) {
            StoreSession session = open.get(storeId);
            if (session.visitOpen()) {
                decide(out, StoreVisitEvent.of(StoreVisitEvent.REATTRIBUTED, deviceId, session.userId, storeId,
                        assignment.ts(), session.enteredAt, null));
            }
        }
    }

    private static int byAccuracyThenPosition(LbsPing a, LbsPing b) {
        int order = Double.compare(a.accuracyM(), b.accuracyM());
        if (order == 0) {
            order = Double.compare(a.lat(), b.lat());
        }
        return order != 0 ? order : Double.compare(a.lon(), b.lon());
    }

    /** Where the session rules' decisions go: out, counted, with the customer of the moment. */
    private Consumer<StoreVisitEvent> decisions(Collector<StoreVisitEvent> out) {
        return decision -> decide(out, decision);
    }

    private void decide(Collector<StoreVisitEvent> out, StoreVisitEvent decision) {
        decisions.get(decision.type()).inc();
        out.collect(decision.withCustomer(currentCustomer));
    }

    private void reject(Context ctx, DeadLetter deadLetter) {
        rejectedPings.inc();
        ctx.output(REJECTED_PINGS, deadLetter);
    }

    /** Dated by the ping's arrival, like every dead letter, so that replays count it in the same minute. */
    private static DeadLetter rejected(LbsPing ping, DeadLetterReason reason, String detail) {
        String summary = String.format(
                Locale.ROOT,
                "{\"deviceId\":\"%s\",\"lat\":%s,\"lon\":%s,\"accuracyM\":%s,\"ts\":%d,\"source\":\"%s\"}",
                ping.deviceId(), ping.lat(), ping.lon(), ping.accuracyM(), ping.ts(), ping.source());
        return DeadLetter.decided(
                InputTopic.LBS_PINGS.defaultTopicName(), reason.code(), detail, summary, ping.receivedAt());
    }
}
