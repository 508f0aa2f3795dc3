package io.o2o.analytics.zones;

/**
 * What one device's zone presence remembers about one store it is in: the zone it is taken to be in, and
 * the zone challenging it, if any. A mutable POJO with public fields so that Flink stores it with its POJO
 * serializer (compact in RocksDB, and evolvable across savepoints).
 */
public class ZoneStay {
    /** The device's current zone, since when, and the readings of the store applied since then. */
    public String zoneId;
    public long enteredAt;
    public int readings;
    /** The device's last reading in the store, of any zone: the exit timeout runs from here. */
    public long lastReadingAt;
    /**
     * A zone whose smoothed signal has led the current zone's by the hysteresis margin at every reading since
     * {@code challengerSince}; {@code challengerReadings} of {@code readings} were applied since then.
     */
    public String challengerZoneId;
    public long challengerSince;
    public int challengerReadings;

    public ZoneStay() {}

    static ZoneStay enteredAt(String zoneId, long at) {
        ZoneStay stay = new ZoneStay();
        stay.zoneId = zoneId;
        stay.enteredAt = at;
        stay.lastReadingAt = at;
        return stay;
    }

    long exitDeadline(long exitTimeoutMillis) {
        return lastReadingAt + exitTimeoutMillis;
    }

    boolean challengedBy(String zone) {
        return zone.equals(challengerZoneId);
    }

    void challenge(String zone, long since) {
        challengerZoneId = zone;
        challengerSince = since;
        challengerReadings = 0;
    }

    void unchallenge() {
        challengerZoneId = null;
        challengerSince = 0;
        challengerReadings = 0;
    }

    /** The challenger becomes the current zone from {@code challengerSince}, with the readings since then. */
    void switchToChallenger() {
        zoneId = challengerZoneId;
        enteredAt = challengerSince;
        readings = challengerReadings;
        unchallenge();
    }
}
