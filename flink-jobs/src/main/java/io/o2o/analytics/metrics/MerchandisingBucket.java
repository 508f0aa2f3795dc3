package io.o2o.analytics.metrics;

import java.util.ArrayList;
import java.util.List;

/** One zone's dwellers and sales within one period. A POJO for Flink's state serializer. */
public class MerchandisingBucket {
    /** Distinct devices that dwelt in the zone. */
    public List<String> dwellers = new ArrayList<>();
    /** Distinct receipts with a line shown in the zone. */
    public List<String> receipts = new ArrayList<>();
    public long units;

    public MerchandisingBucket() {}
}
