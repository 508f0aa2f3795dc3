package io.o2o.analytics.journeys;

import java.time.Duration;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The journey stage: attributed activities in, conversions out. The three journey patterns run with CEP per
 * customer, their matches are decided per customer (latest engagement, purchases within the grace) and each
 * conversion is let through once. A stage of its own, so that tests run exactly what the job runs.
 */
public final class CustomerJourneys {
    private CustomerJourneys() {}

    /** @param attributed activities with their customer, each with {@link CustomerActivity#knownAt} as timestamp */
    public static DataStream<O2oConversion> conversions(
            DataStream<CustomerActivity> attributed, Duration window, Duration purchaseGrace) {
        DataStream<CustomerActivity> engagementsAndVisits = attributed
                .filter(activity -> activity.isEngagement() || activity.isVisit())
                .uid("engagements-and-visits")
                .name("engagements and visits");
        DataStream<JourneyMatch> matches = matches(engagementsAndVisits, JourneyPatterns.engagementThenVisit(window),
                        JourneyMatch.ONLINE_TO_STORE, "journeys-engagement-then-visit")
                .union(
                        matches(engagementsAndVisits, JourneyPatterns.visitThenEarlierEngagement(window),
                                JourneyMatch.ONLINE_TO_STORE, "journeys-visit-then-earlier-engagement"),
                        matches(attributed, JourneyPatterns.storeThenOnline(window), JourneyMatch.STORE_TO_ONLINE,
                                "journeys-store-then-online"));
        return matches.keyBy(JourneyMatch::customerId)
                .connect(attributed.filter(CustomerActivity::isPurchase)
                        .uid("attributed-purchases")
                        .name("attributed purchases")
                        .keyBy(CustomerActivity::customerId))
                .process(new ConversionDecider(purchaseGrace, window))
                .uid("decide-conversions")
                .name("decide conversions")
                .keyBy(O2oConversion::conversionId)
                .process(new FirstConversionOnly(window))
                .uid("first-conversion-only")
                .name("first decision only");
    }

    private static DataStream<JourneyMatch> matches(
            DataStream<CustomerActivity> activities, Pattern<CustomerActivity, ?> pattern, String direction, String uid) {
        return CEP.pattern(activities.keyBy(CustomerActivity::customerId), pattern, JourneyPatterns.ORDER)
                .process(new JourneyPatterns.ToJourneyMatch(direction))
                .uid(uid)
                .name(uid.replace('-', ' '));
    }
}
