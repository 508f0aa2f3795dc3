package io.o2o.analytics.records;

/**
 * An in-store sensor reading. {@code deviceId} is the keyed hash of the device seen (probe, beacon,
 * wearable); door counters carry {@code in}/{@code out} counts instead.
 */
public record StoreSensorEvent(
        String sensorId,
        String storeId,
        String zoneId,
        String kind,
        String deviceId,
        Integer rssi,
        Integer in,
        Integer out,
        long ts) {

    public static final String DOOR_COUNTER = "door_counter";
}
