package io.o2o.analytics.metrics;

import java.util.ArrayList;
import java.util.List;

/** One zone's entries and ended zone visits within one minute. A POJO for Flink's state serializer. */
public class ZoneBucket {
    public long entries;
    public long exits;
    /** Dwell of each zone visit that ended in this minute. */
    public List<Long> dwellMillis = new ArrayList<>();
    /** For a checkout zone: when each device that entered in this minute entered. */
    public List<Long> enteredAt = new ArrayList<>();
    /** For a checkout zone: when each device that left in this minute had entered. */
    public List<Long> leftEnteredAt = new ArrayList<>();

    public ZoneBucket() {}
}
