package io.o2o.analytics.simulator;

/**
 * An employee of a store, heard there most of the opening hours every day of the window: what the engine's
 * staff rule should find, once its learning period has passed.
 *
 * @param mac the phone's raw Wi-Fi MAC, the device the in-store sensors report (the engine hashes it)
 */
public record TrueStaff(String staffId, String mac, String storeId) {}
