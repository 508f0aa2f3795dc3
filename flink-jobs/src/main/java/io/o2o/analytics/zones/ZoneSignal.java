package io.o2o.analytics.zones;

/**
 * A change of a zone's occupancy: a device entered it (its first reading in the store, or the instant its zone
 * took over from another), or a zone visit ended, with its dwell.
 *
 * @param deviceId the hashed device, or null where only the zone's figures matter
 */
public record ZoneSignal(String storeId, String zoneId, long ts, boolean entry, long dwellMillis, String deviceId) {
    private static final char SEPARATOR = '|';

    public static ZoneSignal entered(String storeId, String zoneId, long at) {
        return enteredBy(null, storeId, zoneId, at);
    }

    public static ZoneSignal enteredBy(String deviceId, String storeId, String zoneId, long at) {
        return new ZoneSignal(storeId, zoneId, at, true, 0, deviceId);
    }

    public static ZoneSignal left(ZoneVisit visit) {
        return new ZoneSignal(visit.storeId(), visit.zoneId(), visit.exitedAt(), false, visit.dwellMillis(),
                visit.deviceId());
    }

    /** Key of the zone metrics: store and zone. */
    public static String zoneKey(ZoneSignal signal) {
        return signal.storeId() + SEPARATOR + signal.zoneId();
    }

    public static String storeOf(String zoneKey) {
        return zoneKey.substring(0, zoneKey.indexOf(SEPARATOR));
    }

    public static String zoneOf(String zoneKey) {
        return zoneKey.substring(zoneKey.indexOf(SEPARATOR) + 1);
    }
}
