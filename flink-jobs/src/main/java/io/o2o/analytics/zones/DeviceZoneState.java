package io.o2o.analytics.zones;

import io.o2o.analytics.records.StoreSensorEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What zone presence keeps about one device besides the readings still waiting for the watermark, as one state
 * value: a timer reads it once and writes it once (as two states, a list and a map, it cost two RocksDB reads and
 * two writes per timer, on the path every sensor reading takes).
 *
 * <p>A POJO with the collection interfaces as field types, so that Flink serialises it with its POJO serializer
 * (no Kryo). Restored collections are {@code HashMap} and {@code ArrayList}; the readings keep their order.
 */
public class DeviceZoneState {
    /** The device's zone stays by store id. */
    public Map<String, ZoneStay> stays = new HashMap<>();
    /** Applied readings still within the smoothing window of the next instant, of every store, as applied. */
    public List<StoreSensorEvent> recent = new ArrayList<>();

    public DeviceZoneState() {}
}
