package io.o2o.analytics.offers;

import java.util.List;

/**
 * What the engine decided about one offer, for the audit and the {@code offers} metrics: sent, suppressed (and
 * why), or redeemed by a later purchase.
 *
 * @param offerId deterministic: the same rule and trigger give the same id, so a consumer can drop repeats
 * @param outcome one of {@link #SENT}, {@link #SUPPRESSED_CONSENT}, {@link #SUPPRESSED_QUIET_HOURS},
 *     {@link #SUPPRESSED_CAP}, {@link #SUPPRESSED_UNREACHABLE}, {@link #REDEEMED}
 * @param reason in words, e.g. which cap, or which identifier opted out and when
 * @param triggeredAt event time of the moment that fired the rule (the entry, the dwell threshold, ...)
 * @param decidedAt event time of the decision; for a redemption, the purchase
 * @param recipients the customer's online identifiers (user, member, wechat, weibo) the offer is sent to
 * @param offerJson the rule's offer, as JSON text
 * @param redeemBy until when a purchase at the store redeems it
 * @param txId for a redemption, the purchase
 * @param amount for a redemption, its amount
 * @param live decided as the live moment arrived (docs/offers.md, "Live offers"), published at once; false for a
 *     decision in event time
 */
public record OfferDecision(
        String offerId,
        String outcome,
        String reason,
        String ruleId,
        int ruleVersion,
        String customerId,
        String storeId,
        String zoneId,
        String trigger,
        String triggerEventId,
        long triggeredAt,
        long decidedAt,
        List<String> recipients,
        String offerJson,
        long redeemBy,
        String txId,
        Double amount,
        boolean live) {

    public static final String SENT = "sent";
    public static final String SUPPRESSED_CONSENT = "suppressed_consent";
    public static final String SUPPRESSED_QUIET_HOURS = "suppressed_quiet_hours";
    public static final String SUPPRESSED_CAP = "suppressed_cap";
    public static final String SUPPRESSED_UNREACHABLE = "suppressed_unreachable";
    public static final String REDEEMED = "redeemed";

    public boolean sent() {
        return SENT.equals(outcome);
    }
}
