package io.o2o.analytics.records;

/**
 * A mobile location ping. {@code deviceId} is already the keyed hash of the raw device id.
 *
 * @param accuracyM horizontal accuracy radius in metres reported by the phone
 * @param source gps, wifi or cell
 */
public record LbsPing(
        String deviceId, String userId, double lat, double lon, double accuracyM, long ts, String source) {}
