package io.o2o.analytics.journeys;

import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Something a person did that a journey is made of: online activity, a store visit, or a purchase at a till,
 * with the identifier it was seen under and, once the identity graph says so, the customer it belongs to.
 *
 * <p>One record type with nullable members (as {@code Ingested}), so that Flink serialises it as a POJO.
 *
 * @param kind {@link #ONLINE}, {@link #VISIT}, {@link #PURCHASE} or {@link #ZONE_VISIT}
 * @param eventId deterministic, the same for every copy of one activity
 * @param identifier the identifier it was seen under: {@code user:}, {@code device:} or {@code member:}
 * @param customerId the customer of {@code identifier} when the engine attributed it, or null before
 * @param ts when it happened: the online event, the visit's (or zone visit's) entry, the till transaction
 * @param knownAt when the engine knew it as this customer's (event time): {@code ts}, a visit's decision,
 *     or the link that joined the identifier to the customer; the order journeys see activities in
 * @param zoneId for a zone visit, its zone
 * @param exitedAt for a visit or zone visit, its exit
 * @param dwellMillis for a visit or zone visit, its dwell
 */
public record CustomerActivity(
        String kind,
        String eventId,
        String identifier,
        String customerId,
        long ts,
        long knownAt,
        String channel,
        String action,
        String sku,
        String storeId,
        String zoneId,
        Long exitedAt,
        Long dwellMillis,
        String txId,
        Double amount,
        List<PosItem> items) {

    public static final String ONLINE = "online";
    public static final String VISIT = "visit";
    public static final String PURCHASE = "purchase";
    public static final String ZONE_VISIT = "zone_visit";

    /** Online actions that show interest in buying, and so can bring a customer to a store. */
    public static final Set<String> ENGAGEMENT_ACTIONS = Set.of("view", "cart", "coupon_claim");

    /** Online actions that are behaviour (not a sign-in), and so count as online activity after a visit. */
    public static final Set<String> ACTIVITY_ACTIONS = Set.of("view", "cart", "coupon_claim", "order");

    public static CustomerActivity online(OnlineEvent event) {
        String id = "online:" + event.userId() + ':' + event.ts() + ':' + event.channel() + ':' + event.action()
                + ':' + event.sku();
        return new CustomerActivity(ONLINE, id, "user:" + event.userId(), null, event.ts(), event.ts(),
                event.channel(), event.action(), event.sku(), event.storeId(), null, null, null, null, null, null);
    }

    /**
     * A {@code visit} decision; seen under its device. Known when the detector can decide it, its exit plus
     * {@code decisionDelay} (the exit timeout): a fixed instant, whenever the detector's timers happened to emit it.
     */
    public static CustomerActivity visit(StoreVisitEvent visit, Duration decisionDelay) {
        return new CustomerActivity(VISIT, visit.eventId(), "device:" + visit.deviceId(), null, visit.enteredAt(),
                visit.exitedAt() + decisionDelay.toMillis(), null, null, null, visit.storeId(), null, visit.exitedAt(),
                visit.dwellMillis(), null, null, null);
    }

    /**
     * A stay in a zone, seen under the hashed MAC the store's sensors heard; known when zone presence can decide
     * it, its exit plus {@code decisionDelay}.
     */
    public static CustomerActivity zone(ZoneVisit visit, Duration decisionDelay) {
        return new CustomerActivity(ZONE_VISIT, visit.eventId(), "device:" + visit.deviceId(), null, visit.enteredAt(),
                visit.exitedAt() + decisionDelay.toMillis(), null, null, null, visit.storeId(), visit.zoneId(),
                visit.exitedAt(), visit.dwellMillis(), null, null, null);
    }

    /** A till transaction with a member card; seen under the member. */
    public static CustomerActivity purchase(PosTransaction tx) {
        return new CustomerActivity(PURCHASE, "pos:" + tx.txId(), "member:" + tx.memberId(), null, tx.ts(), tx.ts(),
                null, null, null, tx.storeId(), null, null, null, tx.txId(), tx.amount(), tx.items());
    }

    /** The same activity, as {@code customer}'s, known to be so from {@code at}. */
    public CustomerActivity attributedTo(String customer, long at) {
        return new CustomerActivity(kind, eventId, identifier, customer, ts, at, channel, action, sku, storeId,
                zoneId, exitedAt, dwellMillis, txId, amount, items);
    }

    public CustomerActivity knownFrom(long at) {
        return attributedTo(customerId, at);
    }

    public boolean isEngagement() {
        return ONLINE.equals(kind) && ENGAGEMENT_ACTIONS.contains(action);
    }

    public boolean isOnlineActivity() {
        return ONLINE.equals(kind) && ACTIVITY_ACTIONS.contains(action);
    }

    public boolean isVisit() {
        return VISIT.equals(kind);
    }

    public boolean isPurchase() {
        return PURCHASE.equals(kind);
    }

    public boolean isZoneVisit() {
        return ZONE_VISIT.equals(kind);
    }

    /** When the offline part of it was over: a visit's exit, a purchase's time. */
    public long endedAt() {
        return exitedAt != null ? exitedAt : ts;
    }
}
