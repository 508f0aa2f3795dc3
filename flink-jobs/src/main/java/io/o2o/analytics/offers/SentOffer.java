package io.o2o.analytics.offers;

/** An offer sent to the customer, kept for caps, cooldowns and redemption. */
public record SentOffer(
        String offerId, String ruleId, int ruleVersion, String storeId, long sentAt, long redeemBy, boolean redeemed) {

    SentOffer redeem() {
        return new SentOffer(offerId, ruleId, ruleVersion, storeId, sentAt, redeemBy, true);
    }
}
