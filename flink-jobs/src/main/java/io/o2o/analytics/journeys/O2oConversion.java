package io.o2o.analytics.journeys;

/**
 * A journey between online and store, published to the {@code o2o-conversions} topic (docs/journeys.md).
 *
 * <ul>
 *   <li>{@code online_to_store}: the customer engaged online (view, cart, coupon claim), then visited
 *       {@code storeId} within the journey window; attributed to the latest engagement before the visit
 *       ({@code touches} counts them all); with the purchase in that store during the visit or its grace
 *       period, if any.
 *   <li>{@code store_to_online}: a visit or a purchase in {@code storeId}, then online activity within the
 *       window: the store member the online platform now knows.
 * </ul>
 *
 * @param conversionId deterministic: a consumer drops what an at-least-once replay or a customer merge repeats
 * @param channel the channel of the online activity
 * @param onlineAt when the engagement (or the online activity after the store) happened
 * @param amount the sum of the purchases attributed (null if none)
 * @param purchases how many till transactions were attributed
 * @param onlineToVisitMillis entry minus engagement ({@code online_to_store})
 * @param visitToPurchaseMillis first purchase minus entry
 * @param storeToOnlineMillis online activity minus the end of the visit or the purchase ({@code store_to_online})
 * @param decidedAt event time at which the engine decided
 */
public record O2oConversion(
        String conversionId,
        String direction,
        String customerId,
        String storeId,
        String channel,
        String onlineAction,
        String sku,
        long onlineAt,
        int touches,
        String visitId,
        Long enteredAt,
        Long exitedAt,
        Long dwellMillis,
        String txId,
        Long purchasedAt,
        Double amount,
        int purchases,
        Long onlineToVisitMillis,
        Long visitToPurchaseMillis,
        Long storeToOnlineMillis,
        long decidedAt) {

    public boolean onlineToStore() {
        return JourneyMatch.ONLINE_TO_STORE.equals(direction);
    }
}
