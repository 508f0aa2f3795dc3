package io.o2o.analytics.offers;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.JourneyPatterns;
import io.o2o.analytics.journeys.ProfileUpdater;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
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
     * @param assignments every change of an identifier's customer (the identity graph's output)
     * @param ruleChanges validated changes from the {@code offer-rules} topic
     * @param engagementWindow the longest time from an online engagement to a near-store moment any rule may ask
     */
    public static SingleOutputStreamOperator<OfferDecision> decisions(
            DataStream<CustomerActivity> attributed,
            DataStream<CustomerAssignment> assignments,
            DataStream<OfferRuleChange> ruleChanges,
            OfferEngine engine,
            Duration engagementWindow) {
        DataStream<OfferSignal> moments = attributed
                .map(OfferSignal::of)
                .uid("offer-moments-as-signals")
                .name("offer moments as signals");
        DataStream<CustomerActivity> engagementsAndNear = attributed
                .filter(activity -> activity.isEngagement() || activity.isNearStore())
                .uid("engagements-and-near-store")
                .name("engagements and near store");
        DataStream<OfferSignal> engagedThenNear = CEP.pattern(
                        engagementsAndNear.keyBy(CustomerActivity::customerId),
                        JourneyPatterns.engagementThenNearStore(engagementWindow), JourneyPatterns.ORDER)
                .process(new ToEngagedThenNear())
                .uid("offers-engagement-then-near-store")
                .name("engagement then near store");
        DataStream<OfferSignal> memberships = assignments
                .flatMap((CustomerAssignment assignment, Collector<OfferSignal> out) ->
                        ProfileUpdater.allMembershipChanges(assignment)
                                .forEach(change -> out.collect(OfferSignal.membership(change))))
                .returns(OfferSignal.class)
                .uid("offer-recipients")
                .name("offer memberships");
        return moments.union(engagedThenNear, memberships)
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

    /** A CEP match of an engagement and a near-store moment, as one signal. */
    static final class ToEngagedThenNear extends PatternProcessFunction<CustomerActivity, OfferSignal> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processMatch(Map<String, List<CustomerActivity>> match, Context ctx, Collector<OfferSignal> out) {
            out.collect(OfferSignal.engagedThenNear(
                    match.get(JourneyPatterns.ENGAGEMENT).get(0), match.get(JourneyPatterns.NEAR).get(0)));
        }
    }
}
