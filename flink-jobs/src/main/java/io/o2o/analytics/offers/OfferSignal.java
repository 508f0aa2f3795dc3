package io.o2o.analytics.offers;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.JourneyMatch;

/**
 * What the offer engine hears about one customer, in the order the engine learnt it ({@code knownAt}): an
 * attributed activity or live moment, an online engagement followed by a near-store moment (paired by the journey
 * matcher), or an online identifier joining or leaving the customer (who can be reached).
 *
 * <p>One record with nullable members, as {@link CustomerActivity}, so that Flink serialises it as a POJO.
 *
 * @param activity for {@link #ACTIVITY}, the activity; for {@link #ENGAGED_NEAR}, the near-store moment
 * @param engagement for {@link #ENGAGED_NEAR}, the online engagement before it
 * @param identifier for {@link #MEMBERSHIP}, the identifier (of any kind)
 * @param joined for {@link #MEMBERSHIP}, true when it joined the customer, false when it left
 */
public record OfferSignal(
        String kind,
        String eventId,
        String customerId,
        long knownAt,
        CustomerActivity activity,
        CustomerActivity engagement,
        String identifier,
        Boolean joined) {

    public static final String ACTIVITY = "activity";
    public static final String ENGAGED_NEAR = "engaged_near";
    public static final String MEMBERSHIP = "membership";

    public static OfferSignal of(CustomerActivity activity) {
        return new OfferSignal(ACTIVITY, activity.eventId(), activity.customerId(), activity.knownAt(), activity, null,
                null, null);
    }

    /** A {@link JourneyMatch#ENGAGED_THEN_NEAR} pair of the journey matcher. */
    public static OfferSignal engagedThenNear(JourneyMatch pair) {
        return engagedThenNear(pair.online(), pair.offline());
    }

    public static OfferSignal engagedThenNear(CustomerActivity engagement, CustomerActivity near) {
        return new OfferSignal(ENGAGED_NEAR, engagement.eventId() + '>' + near.eventId(), near.customerId(),
                Math.max(engagement.knownAt(), near.knownAt()), near, engagement, null, null);
    }

    /** A change from {@code ProfileUpdater.allMembershipChanges}: joined when it names the customer. */
    public static OfferSignal membership(CustomerAssignment change) {
        boolean joined = change.customerId() != null;
        String customer = joined ? change.customerId() : change.previousCustomerId();
        return new OfferSignal(MEMBERSHIP, "membership:" + change.node() + ':' + joined, customer, change.ts(), null,
                null, change.node(), joined);
    }
}
