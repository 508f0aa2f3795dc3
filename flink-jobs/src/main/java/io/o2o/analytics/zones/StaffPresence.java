package io.o2o.analytics.zones;

import java.util.HashMap;
import java.util.Map;

/** A device's presence in one store, day by day, for telling staff from shoppers. A POJO for Flink's state. */
public class StaffPresence {
    /** The first local day the device was heard in the store (epoch day). */
    public long firstDay;
    /** Per local day (epoch day) of the learning period, the opening hours it was heard in, as a bit mask. */
    public Map<Long, Long> hoursByDay = new HashMap<>();
    /** The last day whose staff verdict was taken, and the verdict. */
    public long judgedDay = Long.MIN_VALUE;
    public boolean staff;
    /**
     * When the device was last heard in the store (event time): the store's entry is forgotten a TTL after. 0 or less
     * in an entry restored from a savepoint taken before it was kept: unknown until the next reading there.
     */
    public long lastHeard = Long.MIN_VALUE;

    public StaffPresence() {}
}
