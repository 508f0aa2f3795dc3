package io.o2o.analytics.job;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.O2oConversion;
import io.o2o.analytics.journeys.ProfileUpdate;
import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.offers.GeoOffer;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.StoreVisitEvent;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the job's outputs go. One value, so that a test replaces the one sink it cares about
 * ({@code outputs.sinks().withMetrics(testSink)}) and a new output does not touch every caller.
 */
public record JobSinks(
        Sink<StoreVisitEvent> visits,
        Sink<StoreVisitEvent> liveMoments,
        Sink<DeadLetter> deadLetters,
        Sink<MetricPoint> metrics,
        Sink<CustomerAssignment> customerAssignments,
        Sink<O2oConversion> conversions,
        Sink<ProfileUpdate> profileUpdates,
        Sink<GeoOffer> geoOffers,
        Sink<OfferDecision> offerAudit) {

    public JobSinks withMetrics(Sink<MetricPoint> replacement) {
        return new JobSinks(visits, liveMoments, deadLetters, replacement, customerAssignments, conversions, profileUpdates,
                geoOffers, offerAudit);
    }
}
