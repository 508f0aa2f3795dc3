package io.o2o.analytics.visits;

import java.util.HashMap;
import java.util.Map;

/**
 * What the live path keeps about one device while it is near a store: its sessions, moved by each ping as it arrives,
 * and the newest ping applied, so that a ping arriving behind it is left to the final path. Kept only while a session
 * is open: most pings are nowhere near a store and leave nothing behind.
 *
 * <p>A POJO with the map interface as field type, so that Flink serialises it with its POJO serializer (no Kryo).
 */
public class LiveDeviceState {
    /** One session per store the device is near, by store id. */
    public Map<String, StoreSession> sessions = new HashMap<>();
    /** Event time of the newest ping applied. */
    public long lastPingAt;
    /** The one event-time timer registered for the sessions' next deadline; 0 when none is. */
    public long timerAt;

    public LiveDeviceState() {}
}
