package io.o2o.analytics.journeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns journey matches into conversions, per customer: an online-to-store journey waits until its visit's
 * purchase grace has passed (event time), takes the latest engagement of all that matched the visit, and
 * the customer's purchases in that store from the visit's entry to its exit plus the grace; a
 * store-to-online journey is complete when matched.
 *
 * <p>Keyed by customer. State: the visits waiting for their grace to pass, with their engagements (one
 * record each), and the customer's purchases of the last {@code window}.
 */
public class ConversionDecider extends KeyedCoProcessFunction<String, JourneyMatch, CustomerActivity, O2oConversion> {
    private static final long serialVersionUID = 1L;

    private final long graceMillis;
    private final long windowMillis;

    /** Per visit id, the matches waiting for the purchase grace. */
    private transient MapState<String, List<JourneyMatch>> waiting;
    /** Per visit id, when it is decided. */
    private transient MapState<String, Long> decideAt;
    private transient ListState<CustomerActivity> purchases;

    public ConversionDecider(Duration purchaseGrace, Duration window) {
        this.graceMillis = purchaseGrace.toMillis();
        this.windowMillis = window.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "waiting-visits", Types.STRING, Types.LIST(TypeInformation.of(JourneyMatch.class))));
        decideAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("decide-at", Types.STRING, Types.LONG));
        purchases = getRuntimeContext().getListState(
                new ListStateDescriptor<>("purchases", TypeInformation.of(CustomerActivity.class)));
    }

    @Override
    public void processElement1(JourneyMatch match, Context ctx, Collector<O2oConversion> out) throws Exception {
        if (!JourneyMatch.ONLINE_TO_STORE.equals(match.direction())) {
            out.collect(storeToOnline(match, ctx.timestamp()));
            return;
        }
        String visitId = match.offline().eventId();
        List<JourneyMatch> matches = waiting.get(visitId);
        if (matches == null) {
            matches = new ArrayList<>();
            // A journey learnt after the grace is decided when learnt, with every match that comes with it.
            long at = Math.max(match.offline().exitedAt() + graceMillis, ctx.timestamp());
            decideAt.put(visitId, at);
            ctx.timerService().registerEventTimeTimer(at);
        }
        matches.add(match);
        waiting.put(visitId, matches);
    }

    @Override
    public void processElement2(CustomerActivity purchase, Context ctx, Collector<O2oConversion> out) throws Exception {
        purchases.add(purchase);
        ctx.timerService().registerEventTimeTimer(Math.max(purchase.ts(), ctx.timerService().currentWatermark()) + windowMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O2oConversion> out) throws Exception {
        List<CustomerActivity> bought = new ArrayList<>();
        purchases.get().forEach(bought::add);
        TreeSet<String> due = new TreeSet<>();
        for (var entry : decideAt.entries()) {
            if (entry.getValue() <= timestamp) {
                due.add(entry.getKey());
            }
        }
        for (String visitId : due) {
            out.collect(onlineToStore(waiting.get(visitId), bought, timestamp));
            waiting.remove(visitId);
            decideAt.remove(visitId);
        }
        int before = bought.size();
        bought.removeIf(purchase -> purchase.ts() + windowMillis <= timestamp);
        if (bought.size() != before) {
            purchases.update(bought);
        }
    }

    private O2oConversion onlineToStore(List<JourneyMatch> matches, List<CustomerActivity> bought, long decidedAt) {
        CustomerActivity visit = matches.get(0).offline();
        CustomerActivity latest = matches.stream()
                .map(JourneyMatch::online)
                .max(Comparator.comparingLong(CustomerActivity::ts).thenComparing(CustomerActivity::eventId))
                .orElseThrow();
        int touches = (int) matches.stream().map(m -> m.online().eventId()).distinct().count();
        long until = visit.exitedAt() + graceMillis;
        List<CustomerActivity> inVisit = bought.stream()
                .filter(p -> p.storeId().equals(visit.storeId()) && p.ts() >= visit.ts() && p.ts() <= until)
                .sorted(Comparator.comparingLong(CustomerActivity::ts).thenComparing(CustomerActivity::eventId))
                .toList();
        CustomerActivity first = inVisit.isEmpty() ? null : inVisit.get(0);
        Double amount = inVisit.isEmpty() ? null : inVisit.stream().mapToDouble(CustomerActivity::amount).sum();
        return new O2oConversion(
                JourneyMatch.ONLINE_TO_STORE + ':' + visit.eventId(),
                JourneyMatch.ONLINE_TO_STORE,
                matches.get(0).customerId(),
                visit.storeId(),
                latest.channel(),
                latest.action(),
                latest.sku(),
                latest.ts(),
                touches,
                visit.eventId(),
                visit.ts(),
                visit.exitedAt(),
                visit.dwellMillis(),
                first == null ? null : first.txId(),
                first == null ? null : first.ts(),
                amount,
                inVisit.size(),
                visit.ts() - latest.ts(),
                first == null ? null : first.ts() - visit.ts(),
                null,
                decidedAt);
    }

    private static O2oConversion storeToOnline(JourneyMatch match, long decidedAt) {
        CustomerActivity store = match.offline();
        CustomerActivity online = match.online();
        boolean visit = store.isVisit();
        return new O2oConversion(
                JourneyMatch.STORE_TO_ONLINE + ':' + store.eventId(),
                JourneyMatch.STORE_TO_ONLINE,
                match.customerId(),
                store.storeId(),
                online.channel(),
                online.action(),
                online.sku(),
                online.ts(),
                1,
                visit ? store.eventId() : null,
                visit ? store.ts() : null,
                store.exitedAt(),
                store.dwellMillis(),
                store.txId(),
                visit ? null : store.ts(),
                store.amount(),
                visit ? 0 : 1,
                null,
                null,
                online.ts() - store.endedAt(),
                decidedAt);
    }
}
