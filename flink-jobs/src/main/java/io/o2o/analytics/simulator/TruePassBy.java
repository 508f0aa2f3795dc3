package io.o2o.analytics.simulator;

/**
 * A customer whose true path came within a store's near-buffer without a visit to that store (walk-throughs
 * included). One per customer and store.
 *
 * @param atMillis the last moment the true path was within the near-buffer, which is when the engine can
 *     first know that no visit followed
 */
public record TruePassBy(String customerId, String rawDeviceId, String storeId, long atMillis) {}
