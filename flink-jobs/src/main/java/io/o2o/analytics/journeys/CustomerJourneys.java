package io.o2o.analytics.journeys;

import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The journey stage: attributed activities in, conversions out. One operator matches the journeys per customer
 * (and the engaged-then-near pairs geo-offers act on), the matches are decided per customer (latest engagement,
 * purchases within the grace) and each conversion is let through once. A stage of its own, so that tests run
 * exactly what the job runs.
 */
public final class CustomerJourneys {
    private CustomerJourneys() {}

    /**
     * The {@link JourneyMatcher} over the attributed activities: the journeys are its output, the engaged-then-near
     * pairs its side output {@link JourneyMatcher#ENGAGED_THEN_NEAR}.
     *
     * @param attributed activities with their customer, each with {@link CustomerActivity#knownAt} as timestamp
     * @param engagementWindow {@code offers.engagement-window}
     */
    public static SingleOutputStreamOperator<JourneyMatch> matches(
            DataStream<CustomerActivity> attributed, Duration window, Duration engagementWindow) {
        return attributed.filter(JourneyMatcher::takesPart)
                .uid("journey-steps-and-near-store")
                .name("journey steps and near store")
                .keyBy(CustomerActivity::customerId)
                .process(new JourneyMatcher(window, engagementWindow))
                .uid("journey-matcher")
                .name("match journeys");
    }

    /**
     * @param journeys the matcher's journeys ({@link #matches})
     * @param attributed activities with their customer, each with {@link CustomerActivity#knownAt} as timestamp (the
     *     purchases among them are what the conversions count)
     */
    public static DataStream<O2oConversion> conversions(DataStream<JourneyMatch> journeys,
            DataStream<CustomerActivity> attributed, Duration window, Duration purchaseGrace) {
        return journeys.keyBy(JourneyMatch::customerId)
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
}
