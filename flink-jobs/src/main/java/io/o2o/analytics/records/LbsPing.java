package io.o2o.analytics.records;

/**
 * A mobile location ping. {@code deviceId} is already the keyed hash of the raw device id.
 *
 * @param accuracyM horizontal accuracy radius in metres reported by the phone
 * @param source gps, wifi or cell
 * @param receivedAt when the ping reached the engine (its Kafka record timestamp): what pipeline health
 *     counts by, and how a re-sent copy of the same fix differs from the original
 */
public record LbsPing(
        String deviceId,
        String userId,
        double lat,
        double lon,
        double accuracyM,
        long ts,
        String source,
        long receivedAt) {

    /** The same location fix: same device, time, position, accuracy and source, whenever it arrived. */
    public boolean sameFixAs(LbsPing other) {
        return other != null
                && ts == other.ts
                && Double.compare(lat, other.lat) == 0
                && Double.compare(lon, other.lon) == 0
                && Double.compare(accuracyM, other.accuracyM) == 0
                && deviceId.equals(other.deviceId)
                && source.equals(other.source);
    }
}
