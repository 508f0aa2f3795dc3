package io.o2o.analytics.offers;

import io.o2o.analytics.state.FirstDecisionOnly;
import java.time.Duration;
import java.util.List;

/**
 * One decision per offer, across merges of customers: a moment re-sent as the surviving customer's after a link
 * fires the same rule again under the same offer id, and the earliest decision stands (ties: the smaller customer
 * id). A live decision (docs/offers.md, "Live offers") is let through as it arrives: waiting for the watermark here
 * would undo what deciding it live gained. A redemption is a decision of its own. Keyed by {@link #keyOf}.
 */
public class FirstOfferDecisionOnly extends FirstDecisionOnly<OfferDecision> {
    private static final long serialVersionUID = 1L;

    /** Job accumulators with the number of decisions of each outcome, for a run's summary. */
    public static final String ACCUMULATOR_PREFIX = "offers.";

    public static final List<String> OUTCOMES = List.of(OfferDecision.SENT, OfferDecision.SUPPRESSED_CAP,
            OfferDecision.SUPPRESSED_CONSENT, OfferDecision.SUPPRESSED_QUIET_HOURS, OfferDecision.SUPPRESSED_UNREACHABLE,
            OfferDecision.REDEEMED);

    public FirstOfferDecisionOnly(Duration memory) {
        super(OfferDecision.class, OfferDecision::decidedAt, (a, b) -> a.customerId().compareTo(b.customerId()), memory,
                "repeatedOfferDecisions", ACCUMULATOR_PREFIX, OUTCOMES, OfferDecision::outcome, OfferDecision::live);
    }

    public static String keyOf(OfferDecision decision) {
        return decision.outcome().equals(OfferDecision.REDEEMED) ? decision.offerId() + "|redeemed" : decision.offerId();
    }
}
