package io.o2o.analytics.offers;

/** An offer sent to the customer, kept for caps, cooldowns and redemption. */
public record SentOffer(String offerId, String ruleId, String storeId, long sentAt, long redeemBy, boolean redeemed) {

    SentOffer redeem() {
        return new SentOffer(offerId, ruleId, storeId, sentAt, redeemBy, true);
    }
}
