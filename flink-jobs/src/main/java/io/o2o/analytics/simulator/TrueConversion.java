package io.o2o.analytics.simulator;

/**
 * An online-to-offline journey: online engagement, then a visit to a store.
 *
 * @param channel where the customer engaged (app, wechat, weibo, web, mini_program)
 * @param storeId the store visited
 * @param engagedMillis the last online event before the visit, 10 to 90 minutes before {@code visitEnterMillis}
 * @param purchaseMillis the till transaction in that store during the visit, or null if none
 * @param amount the transaction's amount, or null if none
 */
public record TrueConversion(
        String customerId,
        String channel,
        String storeId,
        long engagedMillis,
        long visitEnterMillis,
        Long purchaseMillis,
        Double amount) {}
