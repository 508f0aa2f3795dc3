package io.o2o.analytics.simulator;

/**
 * An offline-to-online journey: a store visit, then online activity of the same person on the phone that
 * visited, 5 to 60 minutes after leaving (the app login that precedes it links the two).
 *
 * @param visitExitMillis the last moment of the visit inside the store
 * @param onlineMillis the first online event after the visit
 * @param channel where that online activity happened (app, wechat, mini_program)
 */
public record TrueOfflineToOnline(
        String customerId, String storeId, long visitExitMillis, long onlineMillis, String channel) {}
