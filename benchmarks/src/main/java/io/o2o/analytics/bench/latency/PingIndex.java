package io.o2o.analytics.bench.latency;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * When each location ping reached Kafka: by the device's keyed hash (as the job's outputs name it) and the ping's
 * event time (as a decision's {@code decidedAt} or {@code eventTime} names the ping). A fix that a phone sent twice
 * counts from its first append: the engine could have decided from then.
 */
public final class PingIndex {
    private final Map<String, Long> firstAppend = new HashMap<>();

    public void add(String hashedDeviceId, long eventTime, long appendMillis) {
        firstAppend.merge(key(hashedDeviceId, eventTime), appendMillis, Math::min);
    }

    public OptionalLong appendOf(String hashedDeviceId, long eventTime) {
        Long append = firstAppend.get(key(hashedDeviceId, eventTime));
        return append == null ? OptionalLong.empty() : OptionalLong.of(append);
    }

    public int size() {
        return firstAppend.size();
    }

    private static String key(String hashedDeviceId, long eventTime) {
        return hashedDeviceId + '@' + eventTime;
    }
}
