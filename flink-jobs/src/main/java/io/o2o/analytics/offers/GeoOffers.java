package io.o2o.analytics.offers;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.journeys.ProfileUpdater;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * The geo-offer stage (docs/offers.md): attributed activities and live moments, the customers' online
 * identifiers and the rule changes in; offer decisions out, one per offer (and one per redemption). A stage of its own, so that tests run exactly what the
 * job runs.
 */
public final class GeoOffers {
    private GeoOffers() {}

    /**
     * @param attributed activities and moments with their customer, each with its {@code knownAt} as timestamp
     * @param engagedThenNear online engagements each followed by entering or passing a store within
     *     {@code offers.engagement-window}, as the journey matcher pairs them
     *     ({@code JourneyMatcher.ENGAGED_THEN_NEAR})
     * @param assignments every change of an identifier's customer (the identity graph's output)
     * @param ruleChanges validated changes from the {@code offer-rules} topic
     */
    public static SingleOutputStreamOperator<OfferDecision> decisions(
            DataStream<CustomerActivity> attributed,
            DataStream<JourneyMatch> engagedThenNear,
            DataStream<CustomerAssignment> assignments,
            DataStream<OfferRuleChange> ruleChanges,
            OfferEngine engine) {
        DataStream<OfferSignal> moments = attributed
                .map(OfferSignal::of)
                .uid("offer-moments-as-signals")
                .name("offer moments as signals");
        DataStream<OfferSignal> engagedNear = engagedThenNear
                .map(OfferSignal::engagedThenNear)
                .uid("engaged-then-near-as-signals")
                .name("engaged then near as signals");
        DataStream<OfferSignal> memberships = assignments
                .flatMap((CustomerAssignment assignment, Collector<OfferSignal> out) ->
                        ProfileUpdater.allMembershipChanges(assignment)
                                .forEach(change -> out.collect(OfferSignal.membership(change))))
                .returns(OfferSignal.class)
                .uid("offer-recipients")
                .name("offer memberships");
        return moments.union(engagedNear, memberships)
                .keyBy(OfferSignal::customerId)
                .connect(ruleChanges.broadcast(OfferEngine.RULES))
                .process(engine)
                .uid("offer-engine")
                .name("decide geo-offers")
                .keyBy(FirstOfferDecisionOnly::keyOf)
                .process(new FirstOfferDecisionOnly(Duration.ofDays(1)))
                .uid("first-offer-decision-only")
                .name("first decision per offer");
    }
}
