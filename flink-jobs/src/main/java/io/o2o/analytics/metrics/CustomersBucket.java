package io.o2o.analytics.metrics;

import java.util.ArrayList;
import java.util.List;

/** One store's visitors and till transactions within one period. A POJO for Flink's state serializer. */
public class CustomersBucket {
    /** Distinct visiting devices, with whether each was known and returning (first visit of the period wins). */
    public List<String> visitorIds = new ArrayList<>();
    public long knownVisitors;
    public long returningVisitors;
    public long transactions;
    public long memberTransactions;
    public double revenue;

    public CustomersBucket() {}
}
