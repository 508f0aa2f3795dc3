package io.o2o.analytics.journeys;

import io.o2o.analytics.state.FirstDecisionOnly;
import java.time.Duration;

/**
 * Lets each conversion through once, across merges of customers: the earliest decision stands (ties: the smaller
 * customer id). Keyed by conversion id.
 */
public class FirstConversionOnly extends FirstDecisionOnly<O2oConversion> {
    private static final long serialVersionUID = 1L;

    /** Job accumulators with the number of conversions of each direction, for a run's summary. */
    public static final String ACCUMULATOR_PREFIX = "conversions.";

    public FirstConversionOnly(Duration memory) {
        super(O2oConversion.class, O2oConversion::decidedAt, (a, b) -> a.customerId().compareTo(b.customerId()), memory,
                "repeatedConversions", ACCUMULATOR_PREFIX, JourneyMatch.directions(), O2oConversion::direction);
    }
}
