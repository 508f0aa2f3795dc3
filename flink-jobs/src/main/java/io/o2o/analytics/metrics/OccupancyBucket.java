package io.o2o.analytics.metrics;

/** One store's door counts and device entries and exits within one minute. A POJO for Flink's state. */
public class OccupancyBucket {
    public long doorIn;
    public long doorOut;
    public long deviceEntries;
    public long deviceExits;

    public OccupancyBucket() {}
}
