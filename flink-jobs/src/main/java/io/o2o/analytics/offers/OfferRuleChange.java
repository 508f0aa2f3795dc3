package io.o2o.analytics.offers;

/**
 * A rule added, changed or removed on the {@code offer-rules} topic, taking effect from its event time.
 *
 * @param ruleJson the rule as validated JSON (without {@code ts}); null when the rule was deleted
 */
public record OfferRuleChange(String ruleId, long ts, String ruleJson) {

    public boolean deleted() {
        return ruleJson == null;
    }
}
