package io.o2o.analytics.metrics;

import java.util.ArrayList;
import java.util.List;

/** One store's visit decisions within one minute. A POJO, so Flink keeps it compactly in state. */
public class TrafficBucket {
    public long entries;
    public long exits;
    public long visits;
    /** Visits whose device was linked to a customer (a known app user or member) when the visit ended. */
    public long knownVisits;
    public long passersBy;
    /** Distinct devices whose visit ended in this minute: bounded by the minute's visits. */
    public List<String> visitorIds = new ArrayList<>();
    /** Dwell of each visit that ended in this minute, for the dwell distribution. */
    public List<Long> dwellMillis = new ArrayList<>();

    public TrafficBucket() {}
}
