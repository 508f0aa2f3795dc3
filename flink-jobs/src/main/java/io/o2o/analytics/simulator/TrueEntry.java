package io.o2o.analytics.simulator;

/**
 * One crossing into a store's footprint and back out, whatever its length: what a door counter counts.
 * Every {@link TrueVisit} has one, and so has every walk-through.
 */
public record TrueEntry(String customerId, String rawDeviceId, String storeId, long enterMillis, long exitMillis) {}
