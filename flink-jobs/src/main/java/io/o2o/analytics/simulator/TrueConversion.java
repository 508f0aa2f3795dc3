package io.o2o.analytics.simulator;

/**
 * An online-to-offline journey: online engagement, then a visit to a store.
 *
 * @param channel where the latest engagement before the visit happened (app, wechat, weibo, web, mini_program)
 * @param storeId the store visited
 * @param engagedMillis the latest engagement ({@code view}, {@code cart} or {@code coupon_claim}; not a login or
 *     an order) before {@code visitEnterMillis}, 10 to 90 minutes before it
 * @param purchaseMillis the till transaction in that store during the visit, or null if none
 * @param amount the transaction's amount, or null if none
 * @param identifiable whether the evidence with an event time up to the visit's exit connects the engaged user
 *     to the visiting phone's device id: whether the engine can find this conversion at all
 * @param purchaseIdentifiable whether there is a purchase and all of the evidence (up to the end of the
 *     simulation) connects its member id to the visiting phone's device id
 */
public record TrueConversion(
        String customerId,
        String channel,
        String storeId,
        long engagedMillis,
        long visitEnterMillis,
        Long purchaseMillis,
        Double amount,
        boolean identifiable,
        boolean purchaseIdentifiable) {}
