package io.o2o.analytics.simulator;

/**
 * A span of time a customer with Bluetooth on truly stood in one zone of a store: from {@code enterMillis}, the
 * first millisecond in the zone, to {@code exitMillis}, the last (equal for a path that only touches it). The zone
 * is decided as the in-store sensors decide it ({@code CityMap.zoneAt}, the engine's fence index), so these are
 * the stays the zone beacons reflect; a beacon reading of the customer falls inside one of them.
 *
 * @param mac the phone's raw Wi-Fi MAC, the device the sensors report (the engine hashes it)
 */
public record TrueZoneStay(
        String customerId, String mac, String storeId, String zoneId, long enterMillis, long exitMillis) {

    public long dwellMillis() {
        return exitMillis - enterMillis;
    }
}
