package io.o2o.analytics.journeys;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.state.EventTimeBuffer;
import io.o2o.analytics.state.EventTimeExpiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Closes the loop back online: every store visit, zone stay and purchase of a known customer becomes a profile update
 * carrying the customer's online identifiers (user, member, WeChat, Weibo), as they are at that instant.
 *
 * <p>Keyed by customer. Its second input is the identity graph's assignments turned into membership changes
 * ({@link #membershipChanges}); both inputs are applied in event-time order, so an update lists the identifiers
 * known at its {@code knownAt} whatever arrived first. State: the customer's online identifiers (forgotten once the
 * customer was idle, no activity and no membership change, for the identity TTL in event time) and inputs the
 * watermark has not passed yet.
 */
public class ProfileUpdater extends KeyedCoProcessFunction<String, CustomerActivity, CustomerAssignment, ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    /** Identifier kinds an online platform knows its customers by. */
    public static final Set<String> ONLINE_KINDS = Set.of("user", "member", "wechat", "weibo");

    private final EventTimeExpiry identityExpiry;
    private final EventTimeBuffer<CustomerActivity> pendingActivities = EventTimeBuffer.of(
            "pending-activities", CustomerActivity.class, CustomerActivity::knownAt,
            (a, b) -> a.eventId().compareTo(b.eventId()));
    private final EventTimeBuffer<CustomerAssignment> pendingChanges = EventTimeBuffer.of(
            "pending-membership", CustomerAssignment.class, CustomerAssignment::ts,
            (a, b) -> (a.node() + a.customerId()).compareTo(b.node() + b.customerId()));
    private transient MapState<String, Boolean> identifiers;

    public ProfileUpdater(Duration identityTtl) {
        this.identityExpiry = new EventTimeExpiry("identity-expiry", identityTtl);
    }

    /**
     * An assignment as changes of membership, keyed by the customer they change: the identifier joins its new
     * customer ({@code customerId}) and, if it had one, leaves the old one (a record whose
     * {@code previousCustomerId} is the key and whose {@code customerId} is null). Identifiers no platform can
     * use are left out.
     */
    public static List<CustomerAssignment> membershipChanges(CustomerAssignment assignment) {
        if (!ONLINE_KINDS.contains(assignment.node().substring(0, assignment.node().indexOf(':')))) {
            return List.of();
        }
        return allMembershipChanges(assignment);
    }

    /** As {@link #membershipChanges}, for identifiers of every kind. */
    public static List<CustomerAssignment> allMembershipChanges(CustomerAssignment assignment) {
        List<CustomerAssignment> changes = new ArrayList<>(2);
        changes.add(new CustomerAssignment(assignment.node(), assignment.customerId(), null, assignment.ts()));
        if (assignment.previousCustomerId() != null) {
            changes.add(new CustomerAssignment(assignment.node(), null, assignment.previousCustomerId(), assignment.ts()));
        }
        return changes;
    }

    /** The customer a membership change is about. */
    public static String customerOf(CustomerAssignment change) {
        return change.customerId() != null ? change.customerId() : change.previousCustomerId();
    }

    @Override
    public void open(OpenContext openContext) {
        pendingActivities.open(getRuntimeContext());
        pendingChanges.open(getRuntimeContext());
        identifiers = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("online-identifiers", Types.STRING, Types.BOOLEAN));
        identityExpiry.open(getRuntimeContext());
    }

    @Override
    public void processElement1(CustomerActivity activity, Context ctx, Collector<ProfileUpdate> out) throws Exception {
        long at = Math.max(activity.knownAt(), ctx.timerService().currentWatermark() + 1);
        pendingActivities.add(activity.knownFrom(at));
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void processElement2(CustomerAssignment change, Context ctx, Collector<ProfileUpdate> out) throws Exception {
        long at = Math.max(change.ts(), ctx.timerService().currentWatermark() + 1);
        pendingChanges.add(new CustomerAssignment(change.node(), change.customerId(), change.previousCustomerId(), at));
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileUpdate> out) throws Exception {
        List<CustomerAssignment> changes = pendingChanges.takeDue(timestamp);
        List<CustomerActivity> activities = pendingActivities.takeDue(timestamp);
        boolean arriving = !changes.isEmpty() || !activities.isEmpty();
        // Expiry before anything at this instant: a customer idle for exactly the TTL is forgotten first.
        if (identityExpiry.expiredAt(timestamp, arriving, ctx.timerService())) {
            identifiers.clear();
        }
        int next = 0;
        for (CustomerActivity activity : activities) {
            while (next < changes.size() && changes.get(next).ts() <= activity.knownAt()) {
                apply(changes.get(next++));
            }
            out.collect(update(activity));
        }
        while (next < changes.size()) {
            apply(changes.get(next++));
        }
        if (!arriving) {
            return;
        }
        // Only customers with online identifiers keep an expiry: the others have nothing to forget.
        if (!identifiers.isEmpty()) {
            identityExpiry.touch(timestamp, ctx.timerService());
        } else if (!changes.isEmpty()) {
            identityExpiry.clear();
        }
    }

    private void apply(CustomerAssignment change) throws Exception {
        if (change.customerId() != null) {
            identifiers.put(change.node(), true);
        } else {
            identifiers.remove(change.node());
        }
    }

    private ProfileUpdate update(CustomerActivity activity) throws Exception {
        TreeSet<String> known = new TreeSet<>();
        identifiers.keys().forEach(known::add);
        List<PosItem> items = activity.items() == null ? List.of() : activity.items();
        return new ProfileUpdate(
                activity.customerId() + ':' + activity.eventId(),
                activity.customerId(),
                activity.isVisit() ? ProfileUpdate.STORE_VISIT
                        : activity.isZoneVisit() ? ProfileUpdate.ZONE_DWELL : ProfileUpdate.PURCHASE,
                activity.storeId(),
                activity.zoneId(),
                activity.ts(),
                activity.exitedAt(),
                activity.dwellMillis(),
                activity.txId(),
                activity.amount(),
                items.stream().map(PosItem::sku).toList(),
                items.stream().map(PosItem::zoneId).filter(Objects::nonNull).distinct().sorted().toList(),
                List.copyOf(known),
                activity.knownAt());
    }
}
