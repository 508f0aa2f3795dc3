package io.o2o.analytics.journeys;

import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Activities of made-up customers at named instants, for the journey tests. */
final class JourneyFixtures {
    private JourneyFixtures() {}

    static final Duration WINDOW = Duration.ofDays(7);
    static final Duration GRACE = Duration.ofMinutes(30);
    static final long SATURDAY_TEN = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    /** How long after its exit the visit detector decides a visit (its exit timeout). */
    static final long DECISION_DELAY = 3 * MINUTE;

    static CustomerActivity view(String userId, String channel, long at) {
        return online(userId, channel, "view", at);
    }

    static CustomerActivity online(String userId, String channel, String action, long at) {
        return CustomerActivity.online(new OnlineEvent(userId, channel, action, "sku-1", null, at));
    }

    /** A visit decision, known when the detector decides it. */
    static CustomerActivity visit(String device, String store, long enteredAt, long exitedAt) {
        return CustomerActivity.visit(
                StoreVisitEvent.of(StoreVisitEvent.VISIT, device, null, store, exitedAt, enteredAt, exitedAt),
                Duration.ofMillis(DECISION_DELAY));
    }

    static CustomerActivity purchase(String txId, String member, String store, double amount, long at) {
        return CustomerActivity.purchase(new PosTransaction(
                txId, store, member, amount, List.of(new PosItem("sku-1", store + "-aisle-1", 1)), at));
    }
}
