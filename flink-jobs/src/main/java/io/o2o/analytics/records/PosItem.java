package io.o2o.analytics.records;

/** One line of a till receipt; {@code zoneId} says where in the store the SKU is displayed. */
public record PosItem(String sku, String zoneId, int qty) {}
