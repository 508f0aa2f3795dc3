package io.o2o.analytics.journeys;

import io.o2o.analytics.state.InstantLists;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Finds, per customer and in one pass over the customer's activities, the O2O journeys (docs/journeys.md) and the
 * engaged-then-near pairs geo-offers act on (docs/offers.md). Activities arrive in the order the engine learnt them
 * (their record timestamp, {@link CustomerActivity#knownAt}); what happened when is judged on their own times.
 *
 * <ul>
 *   <li>engagement, then visit: an engagement made at most the journey window before a visit's entry, and known
 *       before the visit; every such pair.
 *   <li>visit, then earlier engagement: the same journey when the engagement became the customer's only after the
 *       visit (the browser was linked to the phone later); every such pair.
 *   <li>store, then online: a visit or purchase followed, within the journey window of its end, by online activity.
 *       Each visit or purchase opens a store run that the first such online activity closes; the journeys come out
 *       in the order their runs began, one waiting while an earlier run is open, and a journey coming out closes
 *       every run begun before its online activity (one journey per run of store activity).
 *   <li>engaged then near (the {@link #ENGAGED_THEN_NEAR} side output): an engagement, then entering or passing a
 *       store at most the engagement window later; every such pair. Which of them a rule wants the offer engine
 *       decides.
 * </ul>
 *
 * <p>The job ran these as four Flink CEP patterns ({@code followedByAny} without skipping, and {@code followedBy}
 * skipping past the last event for store then online), each keeping its own element queue, shared buffer and
 * automaton per customer. This function matches exactly what they matched, at the same timestamps and in the same
 * order per customer (checked against CEP by {@code JourneyMatcherEquivalenceTest}): activities wait until the
 * watermark passes them and are taken in timestamp order, equal timestamps by {@link #ORDER} and then arrival;
 * activities behind the watermark are dropped and counted, as CEP dropped them; a first activity pairs only with a
 * second one taken less than twice its window after it (CEP's {@code within}, for activities sent again when their
 * identifier joins a customer up to a window after they happened).
 *
 * <p>Keyed by customer. State: the activities not yet passed by the watermark, by timestamp, and one value with the
 * activities that can still begin a journey and the store journeys held back.
 */
public class JourneyMatcher extends KeyedProcessFunction<String, CustomerActivity, JourneyMatch> {
    private static final long serialVersionUID = 1L;

    /** Engagements followed by entering or passing a store, for geo-offers. */
    public static final OutputTag<JourneyMatch> ENGAGED_THEN_NEAR =
            new OutputTag<>(JourneyMatch.ENGAGED_THEN_NEAR, TypeInformation.of(JourneyMatch.class));

    /** Equal knownAt: by when it happened, then kind, then id, so that ties never depend on arrival. */
    public static final Comparator<CustomerActivity> ORDER = Comparator.comparingLong(CustomerActivity::ts)
            .thenComparing(CustomerActivity::kind)
            .thenComparing(CustomerActivity::eventId);

    private final long journeyWindow;
    private final long engagementWindow;
    /** How long after a journey's first activity was taken its second may be, exclusive: twice the window. */
    private final long journeyReach;
    private final long engagementReach;
    /** How long an engagement is kept: it begins journeys and engaged-then-near pairs. */
    private final long engagementKept;

    private final InstantLists<CustomerActivity> pending =
            new InstantLists<>("pending-activities", TypeInformation.of(CustomerActivity.class));
    private transient ValueState<OpenJourneys> open;
    private transient Counter lateDropped;

    /**
     * @param journeyWindow {@code o2o.window}: engagement to visit entry, visit or purchase to online activity
     * @param engagementWindow {@code offers.engagement-window}: engagement to a near-store moment
     */
    public JourneyMatcher(Duration journeyWindow, Duration engagementWindow) {
        if (journeyWindow.toMillis() <= 0 || engagementWindow.toMillis() <= 0) {
            throw new IllegalArgumentException("the journey and engagement windows must be positive");
        }
        this.journeyWindow = journeyWindow.toMillis();
        this.engagementWindow = engagementWindow.toMillis();
        this.journeyReach = 2 * this.journeyWindow;
        this.engagementReach = 2 * this.engagementWindow;
        this.engagementKept = Math.max(journeyReach, engagementReach);
    }

    /** Whether the matcher needs the activity: journey steps and near-store moments. */
    public static boolean takesPart(CustomerActivity activity) {
        return activity.isJourneyStep() || activity.isNearStore();
    }

    @Override
    public void open(OpenContext openContext) {
        pending.open(getRuntimeContext());
        open = getRuntimeContext().getState(
                new ValueStateDescriptor<>("open-journeys", TypeInformation.of(OpenJourneys.class)));
        // CEP's name for the same count, so that a dashboard on the journey operators keeps working.
        lateDropped = getRuntimeContext().getMetricGroup().counter("numLateRecordsDropped");
    }

    @Override
    public void processElement(CustomerActivity activity, Context ctx, Collector<JourneyMatch> out) throws Exception {
        Long at = ctx.timestamp();
        // Attribution emits every activity ahead of its watermark, so none is late here; CEP dropped such ones too.
        if (at == null || at <= ctx.timerService().currentWatermark()) {
            lateDropped.inc();
            return;
        }
        if (pending.add(at, activity)) {
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyMatch> out) throws Exception {
        List<CustomerActivity> due = pending.take(timestamp);
        OpenJourneys journeys = open.value();
        if (due.isEmpty() && journeys == null) {
            return;
        }
        if (journeys == null) {
            journeys = new OpenJourneys();
        }
        boolean changed = false;
        if (!due.isEmpty()) {
            due.sort(ORDER);
            // CEP's store-then-online pattern saw only journey steps, and timed its runs out at their timestamps.
            if (due.stream().anyMatch(CustomerActivity::isJourneyStep)) {
                closeExpiredRuns(journeys, timestamp, out);
            }
            for (CustomerActivity activity : due) {
                take(activity, timestamp, journeys, ctx, out);
            }
            changed = true;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (!journeys.held.isEmpty() && aRunExpiresBy(journeys, watermark)) {
            // CEP times runs out at the watermark too, once per watermark advance, after every element up to it;
            // a journey that this lets out carries the watermark as its timestamp. A timer at the watermark fires in
            // this same advance, after the other timers up to it, and stamps the journey so.
            if (timestamp == watermark) {
                closeExpiredRuns(journeys, watermark, out);
                changed = true;
            } else {
                ctx.timerService().registerEventTimeTimer(watermark);
            }
        }
        changed |= forgetExpired(journeys, timestamp);
        if (journeys.isEmpty()) {
            open.clear();
        } else if (changed) {
            open.update(journeys);
        }
    }

    /** Pairs the activity with what came before it, then keeps it if it can begin a journey. */
    private void take(CustomerActivity activity, long at, OpenJourneys journeys, OnTimerContext ctx,
            Collector<JourneyMatch> out) {
        long order = journeys.nextOrder++;
        if (activity.isVisit()) {
            for (JourneyStart start : journeys.starts) {
                if (start.activity.isEngagement() && at - start.at < journeyReach
                        && engagedBefore(start.activity, activity, journeyWindow)) {
                    out.collect(new JourneyMatch(JourneyMatch.ONLINE_TO_STORE, activity.customerId(), start.activity,
                            activity));
                }
            }
        }
        if (activity.isEngagement()) {
            for (JourneyStart start : journeys.starts) {
                if (start.activity.isVisit() && at - start.at < journeyReach
                        && engagedBefore(activity, start.activity, journeyWindow)) {
                    out.collect(new JourneyMatch(JourneyMatch.ONLINE_TO_STORE, start.activity.customerId(), activity,
                            start.activity));
                }
            }
        }
        if (activity.isNearStore()) {
            for (JourneyStart start : journeys.starts) {
                if (start.activity.isEngagement() && at - start.at < engagementReach
                        && nearAfter(start.activity, activity, engagementWindow)) {
                    ctx.output(ENGAGED_THEN_NEAR, new JourneyMatch(JourneyMatch.ENGAGED_THEN_NEAR,
                            activity.customerId(), start.activity, activity));
                }
            }
        }
        if (activity.isOnlineActivity()) {
            boolean completed = false;
            for (JourneyStart start : journeys.starts) {
                if (start.storeRunOpen && wentOnlineAfter(start.activity, activity, journeyWindow)) {
                    start.storeRunOpen = false;
                    journeys.held.add(HeldStoreJourney.of(start, activity, order));
                    completed = true;
                }
            }
            if (completed) {
                journeys.held.sort(Comparator.comparingLong(held -> held.storeOrder));
                letOutStoreJourneys(journeys, out);
            }
        }
        if (activity.isEngagement() || activity.isVisit() || activity.isPurchase()) {
            journeys.starts.add(JourneyStart.of(activity, at, order));
            // A store run times out here (a journey held behind it may come out then), and the start is forgotten.
            ctx.timerService().registerEventTimeTimer(at + (activity.isEngagement() ? engagementKept : journeyReach));
        }
    }

    /** Store runs begun at least twice the window before {@code at} close; what waited behind them comes out. */
    private void closeExpiredRuns(OpenJourneys journeys, long at, Collector<JourneyMatch> out) {
        for (JourneyStart start : journeys.starts) {
            if (start.storeRunOpen && at - start.at >= journeyReach) {
                start.storeRunOpen = false;
            }
        }
        letOutStoreJourneys(journeys, out);
    }

    /**
     * Lets the held store-to-online journeys out in the order their runs began, as long as no earlier run is still
     * open (which could still complete first); each one out closes every run begun before its online activity and
     * drops the journeys of those runs held behind it.
     */
    private static void letOutStoreJourneys(OpenJourneys journeys, Collector<JourneyMatch> out) {
        while (!journeys.held.isEmpty()) {
            HeldStoreJourney next = journeys.held.get(0);
            if (aRunOpenBefore(journeys, next.storeOrder)) {
                return;
            }
            journeys.held.remove(0);
            out.collect(new JourneyMatch(JourneyMatch.STORE_TO_ONLINE, next.store.customerId(), next.online,
                    next.store));
            for (JourneyStart start : journeys.starts) {
                if (start.storeRunOpen && start.order <= next.onlineOrder) {
                    start.storeRunOpen = false;
                }
            }
            journeys.held.removeIf(held -> held.storeOrder <= next.onlineOrder);
        }
    }

    private static boolean aRunOpenBefore(OpenJourneys journeys, long order) {
        for (JourneyStart start : journeys.starts) {
            if (start.order >= order) {
                return false;
            }
            if (start.storeRunOpen) {
                return true;
            }
        }
        return false;
    }

    private boolean aRunExpiresBy(OpenJourneys journeys, long at) {
        return journeys.starts.stream().anyMatch(start -> start.storeRunOpen && at - start.at >= journeyReach);
    }

    /**
     * Drops what can begin nothing any more: no activity to come can pair with it. With no journey held back, a run
     * that timed out closes here too: when it closed is seen only by the journeys held behind it.
     */
    private boolean forgetExpired(OpenJourneys journeys, long now) {
        boolean holding = !journeys.held.isEmpty();
        return journeys.starts.removeIf(start -> {
            if (start.storeRunOpen && !holding && now - start.at >= journeyReach) {
                start.storeRunOpen = false;
            }
            if (start.storeRunOpen) {
                return false;
            }
            long kept = start.activity.isEngagement() ? engagementKept : start.activity.isVisit() ? journeyReach : 0;
            return now - start.at >= kept;
        });
    }

    /** The engagement happened before the visit began, and at most the window before. */
    static boolean engagedBefore(CustomerActivity engagement, CustomerActivity visit, long windowMillis) {
        long lead = visit.ts() - engagement.ts();
        return lead > 0 && lead <= windowMillis;
    }

    /** The online activity happened after the visit or purchase ended, and at most the window after. */
    static boolean wentOnlineAfter(CustomerActivity store, CustomerActivity online, long windowMillis) {
        return online.ts() > store.endedAt() && online.ts() - store.endedAt() <= windowMillis;
    }

    /** Entering or passing the store happened at or after the engagement, and at most the window after. */
    static boolean nearAfter(CustomerActivity engagement, CustomerActivity near, long windowMillis) {
        return near.ts() >= engagement.ts() && near.ts() - engagement.ts() <= windowMillis;
    }
}
