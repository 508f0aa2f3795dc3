package io.o2o.analytics.journeys;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.state.EventTimeBuffer;
import io.o2o.analytics.state.EventTimeExpiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Gives every activity the customer its identifier belongs to, so that journeys can be followed per
 * customer (docs/journeys.md).
 *
 * <p>Keyed by identifier ({@code user:}, {@code member:}, {@code device:}). Activities and the identifier's
 * customer assignments are applied together in event-time order (by when the engine learnt each: a visit is
 * known when it is decided), so an activity is attributed to the customer known at that instant, whatever
 * arrived first. The identifier's activities of the last {@code window} are kept: when the identifier joins
 * a customer (its first link, or a merge into an older customer), they are sent again as that customer's,
 * known from the link's time. That is how an engagement made before anything linked the browser to the
 * phone still meets the visit the phone makes.
 *
 * <p>The identifier's latest marketing preference is kept apart from the window, for as long as the identifier, and
 * sent again whenever the identifier joins a customer: an opt-out must follow the person into every merge.
 *
 * <p>Live moments (entries and pass-bys of the live path, docs/visit-detection.md) do not wait: each leaves at once,
 * with the customer the identifier has now, on {@link #LIVE_MOMENTS}, for geo-offers only, and nothing of it is kept.
 *
 * <p>Activities of an identifier that belongs to no customer are kept (for a later link) but not sent: no
 * journey can join them to anything else. Every output leaves at its own {@code knownAt}, which is its
 * record timestamp too, so the journey patterns downstream see activities in the order the engine learnt
 * them.
 */
public class CustomerAttribution
        extends KeyedCoProcessFunction<String, CustomerActivity, CustomerAssignment, CustomerActivity> {
    private static final long serialVersionUID = 1L;

    /** Live moments (enter, pass-by) with the customer their device belongs to now; for geo-offers only. */
    public static final OutputTag<CustomerActivity> LIVE_MOMENTS = new OutputTag<>("live-moments") {};

    private final long windowMillis;
    private final int maxKept;
    /**
     * Forgets the identifier's customer and preference once it was idle (no activity, no assignment) for the identity
     * TTL, in event time. Only identifiers with a customer or a preference keep one.
     */
    private final EventTimeExpiry identityExpiry;

    private final EventTimeBuffer<CustomerActivity> pendingActivities = EventTimeBuffer.of(
            "pending-activities", CustomerActivity.class, CustomerActivity::knownAt,
            (a, b) -> a.eventId().compareTo(b.eventId()));
    private final EventTimeBuffer<CustomerAssignment> pendingAssignments = EventTimeBuffer.of(
            "pending-assignments", CustomerAssignment.class, CustomerAssignment::ts,
            (a, b) -> a.customerId().compareTo(b.customerId()));

    /** The identifier's customer, as long as the identifier is active ({@link #identityExpiry}). */
    private transient ValueState<String> customer;
    /** The identifier's activities of the last window, oldest first, at most {@code maxKept}. */
    private transient ListState<CustomerActivity> kept;
    /**
     * The identifier's latest marketing preference: kept as long as the identifier (not just a window), and sent
     * again whenever the identifier joins a customer, so an opt-out follows the person into every merge.
     */
    private transient ValueState<CustomerActivity> preference;
    private transient Counter reattributed;
    private transient Counter forgotten;

    /**
     * @param window how far back activities are sent again when their identifier joins a customer
     * @param maxKept the most activities kept per identifier (the newest win): bounds a heavy browser's state
     */
    public CustomerAttribution(Duration window, int maxKept, Duration identityTtl) {
        if (window.toMillis() <= 0 || maxKept < 1) {
            throw new IllegalArgumentException("the window must be positive and at least one activity kept");
        }
        this.windowMillis = window.toMillis();
        this.maxKept = maxKept;
        this.identityExpiry = new EventTimeExpiry("identity-expiry", identityTtl);
    }

    @Override
    public void open(OpenContext openContext) {
        pendingActivities.open(getRuntimeContext());
        pendingAssignments.open(getRuntimeContext());
        customer = getRuntimeContext().getState(new ValueStateDescriptor<>("customer", Types.STRING));
        kept = getRuntimeContext().getListState(
                new ListStateDescriptor<>("kept-activities", TypeInformation.of(CustomerActivity.class)));
        preference = getRuntimeContext().getState(
                new ValueStateDescriptor<>("preference", TypeInformation.of(CustomerActivity.class)));
        identityExpiry.open(getRuntimeContext());
        reattributed = getRuntimeContext().getMetricGroup().counter("activitiesReattributed");
        forgotten = getRuntimeContext().getMetricGroup().counter("activitiesOverCap");
    }

    @Override
    public void processElement1(CustomerActivity activity, Context ctx, Collector<CustomerActivity> out)
            throws Exception {
        if (activity.isLive()) {
            // Live: the customer known now, without waiting for the watermark. A device not linked yet has none here,
            // and its moment is decided in event time, as the final moment, when its link has been applied.
            String current = customer.value();
            if (current != null) {
                ctx.output(LIVE_MOMENTS, activity.attributedTo(current, activity.knownAt()));
            }
            return;
        }
        // Known no earlier than it reached us: behind the watermark, it is known just after it.
        long at = Math.max(Math.max(activity.knownAt(), ctx.timestamp()), ctx.timerService().currentWatermark() + 1);
        pendingActivities.add(activity.knownFrom(at));
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void processElement2(CustomerAssignment assignment, Context ctx, Collector<CustomerActivity> out)
            throws Exception {
        long at = Math.max(assignment.ts(), ctx.timerService().currentWatermark() + 1);
        pendingAssignments.add(at == assignment.ts() ? assignment
                : new CustomerAssignment(assignment.node(), assignment.customerId(), assignment.previousCustomerId(), at));
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerActivity> out) throws Exception {
        List<CustomerAssignment> assignments = pendingAssignments.takeDue(timestamp);
        List<CustomerActivity> activities = pendingActivities.takeDue(timestamp);
        boolean arriving = !assignments.isEmpty() || !activities.isEmpty();
        // Expiry before anything at this instant: an identifier idle for exactly the TTL is forgotten first.
        if (identityExpiry.expiredAt(timestamp, arriving, ctx.timerService())) {
            customer.clear();
            preference.clear();
        }
        List<CustomerActivity> history = new ArrayList<>();
        kept.get().forEach(history::add);
        int sizeBefore = history.size();
        String current = customer.value();
        int next = 0;
        // At one instant, who the identifier is is settled before what it did.
        for (CustomerActivity activity : activities) {
            while (next < assignments.size() && assignments.get(next).ts() <= activity.knownAt()) {
                current = assign(assignments.get(next++), current, history, out);
            }
            if (activity.isPreference()) {
                CustomerActivity latest = preference.value();
                if (latest != null && latest.ts() > activity.ts()) {
                    continue;
                }
                preference.update(activity);
            } else {
                history.add(activity);
            }
            if (current != null) {
                out.collect(activity.attributedTo(current, activity.knownAt()));
            }
        }
        while (next < assignments.size()) {
            current = assign(assignments.get(next++), current, history, out);
        }
        if (current != null) {
            customer.update(current);
        }
        if (arriving && (current != null || preference.value() != null)) {
            identityExpiry.touch(timestamp, ctx.timerService());
        }

        history.removeIf(activity -> activity.ts() < timestamp - windowMillis);
        if (history.size() > maxKept) {
            history.sort(Comparator.comparingLong(CustomerActivity::ts).thenComparing(CustomerActivity::eventId));
            forgotten.inc(history.size() - maxKept);
            history = new ArrayList<>(history.subList(history.size() - maxKept, history.size()));
        }
        if (history.isEmpty()) {
            kept.clear();
        } else if (history.size() != sizeBefore || !activities.isEmpty()) {
            kept.update(history);
        }
        if (!history.isEmpty()) {
            long oldest = history.stream().mapToLong(CustomerActivity::ts).min().getAsLong();
            // Wake up once the oldest kept activity leaves the window, so the history empties when idle.
            ctx.timerService().registerEventTimeTimer(Math.max(timestamp + 1, oldest + windowMillis));
        }
    }

    /** From the assignment on, the identifier is that customer's; its recent activities become theirs too. */
    private String assign(CustomerAssignment assignment, String current, List<CustomerActivity> history,
            Collector<CustomerActivity> out) throws Exception {
        if (assignment.customerId().equals(current)) {
            return current;
        }
        long at = assignment.ts();
        CustomerActivity latestPreference = preference.value();
        if (latestPreference != null) {
            out.collect(latestPreference.attributedTo(assignment.customerId(), at));
        }
        history.stream()
                .filter(activity -> activity.ts() >= at - windowMillis)
                .sorted(Comparator.comparingLong(CustomerActivity::ts).thenComparing(CustomerActivity::eventId))
                .forEach(activity -> {
                    reattributed.inc();
                    out.collect(activity.attributedTo(assignment.customerId(), at));
                });
        return assignment.customerId();
    }
}
