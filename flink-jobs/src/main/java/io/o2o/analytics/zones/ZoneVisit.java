package io.o2o.analytics.zones;

/**
 * A device's stay in one zone of a store, emitted when it left the zone: for another zone (a switch), or the
 * store (no reading for the exit timeout).
 *
 * @param eventId deterministic ({@code storeId:zone:zoneId:deviceId:enteredAt}), so that a consumer can drop
 *     the duplicates an at-least-once replay makes
 * @param deviceId keyed hash of the device's MAC
 * @param enteredAt when the zone became the device's: its first reading in the store, or the instant the
 *     zone took over from the previous one
 * @param exitedAt the instant the next zone took over, or the device's last reading in the store
 * @param dwellMillis {@code exitedAt - enteredAt}; 0 for a device heard once
 * @param readings the readings of the store applied while the device was in this zone
 */
public record ZoneVisit(
        String eventId,
        String deviceId,
        String storeId,
        String zoneId,
        long enteredAt,
        long exitedAt,
        long dwellMillis,
        int readings) {

    public static ZoneVisit of(
            String deviceId, String storeId, String zoneId, long enteredAt, long exitedAt, int readings) {
        String id = storeId + ":zone:" + zoneId + ':' + deviceId + ':' + enteredAt;
        return new ZoneVisit(id, deviceId, storeId, zoneId, enteredAt, exitedAt, exitedAt - enteredAt, readings);
    }
}
