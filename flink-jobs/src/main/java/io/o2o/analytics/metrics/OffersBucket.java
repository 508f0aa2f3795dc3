package io.o2o.analytics.metrics;

/** One rule's offer decisions at one store within one period. A POJO for Flink's state serializer. */
public class OffersBucket {
    public long sent;
    public long suppressedCap;
    public long suppressedConsent;
    public long suppressedQuietHours;
    public long suppressedUnreachable;
    public long redeemed;
    public double redeemedRevenue;

    public OffersBucket() {}
}
