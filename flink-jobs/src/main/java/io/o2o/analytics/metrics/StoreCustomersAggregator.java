package io.o2o.analytics.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Who visits a store and who buys, per store and period ({@code store_customers}, hourly by default): distinct
 * visitors, of them known customers (linked to an app user or member) and returning visitors (seen in that
 * store within the returning window), till transactions (with a member card or not), revenue, and the
 * conversion rate, transactions per visitor.
 *
 * <p>Keyed by store. A visitor counts in the period its visit ended.
 */
public class StoreCustomersAggregator
        extends EventTimeBuckets<String, StoreCustomerEvent, CustomersBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "store_customers";

    public StoreCustomersAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, CustomersBucket.class);
    }

    @Override
    protected long eventTimeOf(StoreCustomerEvent event) {
        return event.ts();
    }

    @Override
    protected CustomersBucket newBucket() {
        return new CustomersBucket();
    }

    @Override
    protected void add(CustomersBucket bucket, StoreCustomerEvent event) {
        if (event.transaction()) {
            bucket.transactions++;
            bucket.revenue += event.amount();
            if (event.known()) {
                bucket.memberTransactions++;
            }
            return;
        }
        if (bucket.visitorIds.contains(event.visitorId())) {
            return;
        }
        bucket.visitorIds.add(event.visitorId());
        if (event.known()) {
            bucket.knownVisitors++;
        }
        if (event.returning()) {
            bucket.returningVisitors++;
        }
    }

    @Override
    protected void emit(String storeId, long bucketStart, CustomersBucket bucket, Collector<MetricPoint> out) {
        long visitors = bucket.visitorIds.size();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("visitors", visitors);
        fields.put("known_visitors", bucket.knownVisitors);
        fields.put("new_visitors", visitors - bucket.returningVisitors);
        fields.put("returning_visitors", bucket.returningVisitors);
        fields.put("transactions", bucket.transactions);
        fields.put("member_transactions", bucket.memberTransactions);
        fields.put("revenue", Math.round(bucket.revenue * 100) / 100.0);
        if (visitors > 0) {
            fields.put("conversion_rate", (double) bucket.transactions / visitors);
            fields.put("known_share", (double) bucket.knownVisitors / visitors);
        }
        out.collect(MetricPoint.of(MEASUREMENT, Map.of("store", storeId), fields, bucketStart));
    }
}
