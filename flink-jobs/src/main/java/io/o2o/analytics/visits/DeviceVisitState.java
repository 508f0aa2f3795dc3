package io.o2o.analytics.visits;

import io.o2o.analytics.state.EventTimeExpiry;
import java.util.HashMap;
import java.util.Map;

/**
 * What visit detection keeps about one device besides the pings still waiting for the watermark, as one state
 * value: a timer reads it once and writes it once. As three states (sessions, customer, the customer's expiry
 * clock) it cost three RocksDB reads and up to three writes per timer, on the path every ping takes.
 *
 * <p>A POJO with the map interface as field type, so that Flink serialises it with its POJO serializer (no Kryo).
 */
public class DeviceVisitState {
    /** One session per store the device is near, by store id. */
    public Map<String, StoreSession> sessions = new HashMap<>();
    /** The device's customer while the device is active; null when it has none. */
    public String customerId;
    /** When the device's customer is forgotten (no ping or assignment for the identity TTL); null without one. */
    public EventTimeExpiry.Clock customerExpiry;

    public DeviceVisitState() {}

    boolean isEmpty() {
        return sessions.isEmpty() && customerId == null && customerExpiry == null;
    }
}
