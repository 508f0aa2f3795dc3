package io.o2o.analytics.offers;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.util.List;

/**
 * An offer to send, as published to the {@code geo-offers} topic (exactly once, keyed by customer).
 *
 * @param offerId deterministic (rule and trigger): the id a messaging system can make its send idempotent on
 * @param recipients the customer's online identifiers (user, member, wechat, weibo)
 * @param triggeredAt event time of the moment that fired the rule
 * @param sentAt event time the engine decided to send it
 * @param redeemBy until when a purchase at the store counts as its redemption
 * @param offer the rule's offer, as the marketer wrote it
 */
public record GeoOffer(
        String offerId,
        String ruleId,
        int ruleVersion,
        String customerId,
        List<String> recipients,
        String storeId,
        String zoneId,
        String trigger,
        long triggeredAt,
        long sentAt,
        long redeemBy,
        @JsonRawValue String offer) {

    public static GeoOffer of(OfferDecision sent) {
        return new GeoOffer(sent.offerId(), sent.ruleId(), sent.ruleVersion(), sent.customerId(), sent.recipients(),
                sent.storeId(), sent.zoneId(), sent.trigger(), sent.triggeredAt(), sent.decidedAt(), sent.redeemBy(),
                sent.offerJson());
    }
}
