package io.o2o.analytics.offers;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.records.MarketingPreference;
import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

/** Signals of one customer and rules for the offer engine's tests, in the sample city. */
final class OfferFixtures {
    static final String CUSTOMER = "c-1";
    static final String MEMBER = "member:m-1";
    static final String STORE = "sh-001";
    static final String FITTING_ROOM = "sh-001-fitting-room";
    /** A Saturday, 12:00 in Shanghai: the store is open and it is not quiet. */
    static final long NOON = Instant.parse("2026-03-07T04:00:00Z").toEpochMilli();
    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    /** The visit detector's decision delay (its exit timeout). */
    static final Duration DELAY = Duration.ofMinutes(3);

    private static FenceCatalog fences;

    private OfferFixtures() {}

    static FenceCatalog fences() {
        if (fences == null) {
            try {
                fences = FenceCatalog.load(FenceCatalog.SAMPLE_CITY);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return fences;
    }

    static OfferRuleParser parser() {
        return new OfferRuleParser(fences(), Duration.ofDays(3));
    }

    static OfferPolicy policy() {
        return new OfferPolicy(3, Duration.ofHours(4), LocalTime.of(22, 0), LocalTime.of(8, 0), Duration.ofMinutes(15),
                Duration.ofDays(7), Duration.ofSeconds(60));
    }

    /** Rules as the file would hold them, each rule a JSON object. */
    static List<String> rules(String... rules) {
        try {
            return parser().parseRules("[" + String.join(",", rules) + "]", "test").stream()
                    .map(OfferRuleChange::ruleJson)
                    .toList();
        } catch (OfferRuleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A rule with an offer; {@code body} holds its other fields. */
    static String rule(String id, String body) {
        return "{\"id\":\"" + id + "\",\"offer\":{\"title\":\"" + id + "\"}," + body + "}";
    }

    static OfferSignal membership(String identifier, long at) {
        return OfferSignal.membership(new CustomerAssignment(identifier, CUSTOMER, null, at));
    }

    /** The identifier leaves the customer (a merge into another, or its expiry). */
    static OfferSignal left(String identifier, long at) {
        return OfferSignal.membership(new CustomerAssignment(identifier, null, CUSTOMER, at));
    }

    static OfferSignal enter(String store, long at) {
        return moment(CustomerActivity.storeMoment(StoreVisitEvent.of(StoreVisitEvent.ENTER, "d-1", null, store, at, at,
                null), DELAY));
    }

    /** The live path's entry (docs/visit-detection.md, two speeds): the same moment as {@link #enter}. */
    static OfferSignal liveEnter(String store, long at) {
        return moment(CustomerActivity.liveMoment(StoreVisitEvent.of(StoreVisitEvent.ENTER, "d-1", null, store, at, at,
                null), DELAY));
    }

    static OfferSignal exit(String store, long at) {
        return moment(CustomerActivity.storeMoment(StoreVisitEvent.of(StoreVisitEvent.EXIT, "d-1", null, store, at, null,
                at), DELAY));
    }

    static OfferSignal passBy(String store, long at) {
        return moment(CustomerActivity.storeMoment(StoreVisitEvent.of(StoreVisitEvent.PASS_BY, "d-1", null, store, at,
                null, null), DELAY));
    }

    static OfferSignal visit(String store, long enteredAt, long exitedAt) {
        return moment(CustomerActivity.visit(StoreVisitEvent.of(StoreVisitEvent.VISIT, "d-1", null, store, exitedAt,
                enteredAt, exitedAt), DELAY));
    }

    static OfferSignal purchase(String store, String txId, double amount, long at) {
        return moment(CustomerActivity.purchase(new PosTransaction(txId, store, "m-1", amount, List.of(), at)));
    }

    static OfferSignal zoneEntry(String zone, long at) {
        return moment(CustomerActivity.zoneEntry("mac-1", STORE, zone, at));
    }

    static OfferSignal preference(boolean consent, List<String> segments, long at) {
        return moment(CustomerActivity.preference(new MarketingPreference(MEMBER, consent, segments, at)));
    }

    static CustomerActivity engagement(String action, String sku, String store, long at) {
        return CustomerActivity.online(new OnlineEvent("u-1", "app", action, sku, store, at)).attributedTo(CUSTOMER, at);
    }

    static OfferSignal engagedThenNear(CustomerActivity engagement, OfferSignal near) {
        return OfferSignal.engagedThenNear(engagement, near.activity());
    }

    static OfferSignal online(CustomerActivity engagement) {
        return OfferSignal.of(engagement);
    }

    private static OfferSignal moment(CustomerActivity activity) {
        return OfferSignal.of(activity.attributedTo(CUSTOMER, activity.knownAt()));
    }
}
