package io.o2o.analytics.journeys;

import io.o2o.analytics.records.MarketingPreference;
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
 * @param kind {@link #ONLINE}, {@link #VISIT}, {@link #PURCHASE} or {@link #ZONE_VISIT}, the journey steps; or a
 *     live moment that only geo-offers act on ({@link #ENTER}, {@link #EXIT}, {@link #PASS_BY}, {@link #ZONE_ENTRY}),
 *     or a {@link #PREFERENCE}
 * @param eventId deterministic, the same for every copy of one activity
 * @param identifier the identifier it was seen under: {@code user:}, {@code device:} or {@code member:}
 * @param customerId the customer of {@code identifier} when the engine attributed it, or null before
 * @param ts when it happened: the online event, the visit's (or zone visit's) entry, the till transaction
 * @param knownAt when the engine knew it as this customer's (event time): {@code ts}, a visit's decision,
 *     or the link that joined the identifier to the customer; the order journeys see activities in
 * @param zoneId for a zone visit, its zone
 * @param exitedAt for a visit or zone visit, its exit
 * @param dwellMillis for a visit or zone visit, its dwell
 * @param segments for a marketing preference, the CRM segments (its consent is the {@code action}: {@link #OPT_IN}
 *     or {@link #OPT_OUT})
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
        List<PosItem> items,
        List<String> segments) {

    public static final String ONLINE = "online";
    public static final String VISIT = "visit";
    public static final String PURCHASE = "purchase";
    public static final String ZONE_VISIT = "zone_visit";
    public static final String ENTER = "enter";
    public static final String EXIT = "exit";
    public static final String PASS_BY = "pass_by";
    public static final String ZONE_ENTRY = "zone_entry";
    public static final String PREFERENCE = "preference";
    /** Marks an {@link #ENTER} or {@link #PASS_BY} of the live path: {@code live_enter}, {@code live_pass_by}. */
    public static final String LIVE = "live_";

    public static final String OPT_IN = "opt_in";
    public static final String OPT_OUT = "opt_out";

    /** Online actions that show interest in buying, and so can bring a customer to a store. */
    public static final Set<String> ENGAGEMENT_ACTIONS = Set.of("view", "cart", "coupon_claim");

    /** Online actions that are behaviour (not a sign-in), and so count as online activity after a visit. */
    public static final Set<String> ACTIVITY_ACTIONS = Set.of("view", "cart", "coupon_claim", "order");

    public static CustomerActivity online(OnlineEvent event) {
        String id = "online:" + event.userId() + ':' + event.ts() + ':' + event.channel() + ':' + event.action()
                + ':' + event.sku();
        return new CustomerActivity(ONLINE, id, "user:" + event.userId(), null, event.ts(), event.ts(),
                event.channel(), event.action(), event.sku(), event.storeId(), null, null, null, null, null, null, null);
    }

    /**
     * A {@code visit} decision; seen under its device. Known when the detector can decide it, its exit plus
     * {@code decisionDelay} (the exit timeout): a fixed instant, whenever the detector's timers happened to emit it.
     */
    public static CustomerActivity visit(StoreVisitEvent visit, Duration decisionDelay) {
        return new CustomerActivity(VISIT, visit.eventId(), "device:" + visit.deviceId(), null, visit.enteredAt(),
                visit.exitedAt() + decisionDelay.toMillis(), null, null, null, visit.storeId(), null, visit.exitedAt(),
                visit.dwellMillis(), null, null, null, null);
    }

    /**
     * A stay in a zone, seen under the hashed MAC the store's sensors heard; known when zone presence can decide
     * it, its exit plus {@code decisionDelay}.
     */
    public static CustomerActivity zone(ZoneVisit visit, Duration decisionDelay) {
        return new CustomerActivity(ZONE_VISIT, visit.eventId(), "device:" + visit.deviceId(), null, visit.enteredAt(),
                visit.exitedAt() + decisionDelay.toMillis(), null, null, null, visit.storeId(), visit.zoneId(),
                visit.exitedAt(), visit.dwellMillis(), null, null, null, null);
    }

    /** A till transaction with a member card; seen under the member. */
    public static CustomerActivity purchase(PosTransaction tx) {
        return new CustomerActivity(PURCHASE, "pos:" + tx.txId(), "member:" + tx.memberId(), null, tx.ts(), tx.ts(),
                null, null, null, tx.storeId(), null, null, null, tx.txId(), tx.amount(), tx.items(), null);
    }

    /**
     * A store decision that geo-offers act on while it happens: {@code enter} (known when confirmed), {@code pass_by}
     * (known at the fix beyond the near-buffer), {@code exit} and a silent phone's {@code pass_by} (known at their
     * moment plus {@code decisionDelay}, as a visit); seen under its device.
     */
    public static CustomerActivity storeMoment(StoreVisitEvent event, Duration decisionDelay) {
        String kind = switch (event.type()) {
            case StoreVisitEvent.ENTER -> ENTER;
            case StoreVisitEvent.EXIT -> EXIT;
            case StoreVisitEvent.PASS_BY -> PASS_BY;
            default -> throw new IllegalArgumentException("not a store moment: " + event.type());
        };
        // An entry is known when the ping that confirmed it came, not at its first ping inside: known earlier, it
        // would reach the next operators behind their watermark by however far the watermark had moved meanwhile.
        long knownAt = event.decidedAt() != null ? event.decidedAt()
                : ENTER.equals(kind) ? event.eventTime() : event.eventTime() + decisionDelay.toMillis();
        return new CustomerActivity(kind, event.eventId(), "device:" + event.deviceId(), null, event.eventTime(),
                knownAt, null, null, null, event.storeId(), null, EXIT.equals(kind) ? event.eventTime() : null, null,
                null, null, null, null);
    }

    /**
     * An entry or pass-by of the live path (docs/visit-detection.md, two speeds), known as {@link #storeMoment} knows
     * it. A kind of its own, so that only geo-offers act on it (attribution passes it on at once, journeys never see
     * it); {@link #decided()} is the moment the rules judge.
     */
    public static CustomerActivity liveMoment(StoreVisitEvent event, Duration decisionDelay) {
        CustomerActivity moment = storeMoment(event, decisionDelay);
        return new CustomerActivity(LIVE + moment.kind, moment.eventId, moment.identifier, null, moment.ts,
                moment.knownAt, null, null, null, moment.storeId, null, null, null, null, null, null, null);
    }

    public boolean isLive() {
        return kind.startsWith(LIVE);
    }

    /** A live moment as the store moment it is ({@link #ENTER}, {@link #PASS_BY}); any other activity as it is. */
    public CustomerActivity decided() {
        if (!isLive()) {
            return this;
        }
        return new CustomerActivity(kind.substring(LIVE.length()), eventId, identifier, customerId, ts, knownAt,
                channel, action, sku, storeId, zoneId, exitedAt, dwellMillis, txId, amount, items, segments);
    }

    /** A device heard entering a zone of a store, known from then. */
    public static CustomerActivity zoneEntry(String deviceId, String storeId, String zoneId, long at) {
        return new CustomerActivity(ZONE_ENTRY, "zone-entry:" + zoneId + ':' + deviceId + ':' + at, "device:" + deviceId,
                null, at, at, null, null, null, storeId, zoneId, null, null, null, null, null, null);
    }

    /** A marketing preference of an identifier, known from its time. */
    public static CustomerActivity preference(MarketingPreference preference) {
        return new CustomerActivity(PREFERENCE, "preference:" + preference.identifier() + ':' + preference.ts(),
                preference.identifier(), null, preference.ts(), preference.ts(), null,
                preference.offersConsent() ? OPT_IN : OPT_OUT, null, null, null, null, null, null, null, null,
                List.copyOf(preference.segments()));
    }

    /** The same activity, as {@code customer}'s, known to be so from {@code at}. */
    public CustomerActivity attributedTo(String customer, long at) {
        return new CustomerActivity(kind, eventId, identifier, customer, ts, at, channel, action, sku, storeId,
                zoneId, exitedAt, dwellMillis, txId, amount, items, segments);
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

    /** Whether online-to-offline journeys are made of it (the rest are moments only geo-offers act on). */
    public boolean isJourneyStep() {
        return ONLINE.equals(kind) || isVisit() || isPurchase() || isZoneVisit();
    }

    /** Entering a store or passing by it: the moments when a customer is near enough for an offer. */
    public boolean isNearStore() {
        return ENTER.equals(kind) || PASS_BY.equals(kind);
    }

    public boolean isPreference() {
        return PREFERENCE.equals(kind);
    }

    /** When the offline part of it was over: a visit's exit, a purchase's time. */
    public long endedAt() {
        return exitedAt != null ? exitedAt : ts;
    }
}
