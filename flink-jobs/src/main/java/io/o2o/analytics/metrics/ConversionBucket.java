package io.o2o.analytics.metrics;

/** One store's and channel's conversions within one period. A POJO, so Flink keeps it compactly in state. */
public class ConversionBucket {
    public long onlineToStore;
    public long purchases;
    public double revenue;
    public long leadMillisTotal;
    public long storeToOnline;

    public ConversionBucket() {}
}
