package io.o2o.analytics.metrics;

import io.o2o.analytics.journeys.O2oConversion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * O2O conversions per store, channel and period ({@code o2o_conversions}, hourly by default): online-engaged
 * customers who visited (by the hour their visit ended), how many of those bought and for how much, the mean
 * lead from engagement to entry, and store-to-online journeys (by the hour of the online activity).
 *
 * <p>Keyed by {@link #keyOf}: store and channel.
 */
public class O2oConversionAggregator extends EventTimeBuckets<String, O2oConversion, ConversionBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "o2o_conversions";
    private static final char SEPARATOR = '|';

    /** @param decisionDelay how long after a visit's exit its conversion may still be decided */
    public O2oConversionAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, ConversionBucket.class);
    }

    public static String keyOf(O2oConversion conversion) {
        return conversion.storeId() + SEPARATOR + conversion.channel();
    }

    @Override
    protected long eventTimeOf(O2oConversion conversion) {
        return conversion.onlineToStore() ? conversion.exitedAt() : conversion.onlineAt();
    }

    @Override
    protected ConversionBucket newBucket() {
        return new ConversionBucket();
    }

    @Override
    protected void add(ConversionBucket bucket, O2oConversion conversion) {
        if (!conversion.onlineToStore()) {
            bucket.storeToOnline++;
            return;
        }
        bucket.onlineToStore++;
        bucket.leadMillisTotal += conversion.onlineToVisitMillis();
        if (conversion.amount() != null) {
            bucket.purchases++;
            bucket.revenue += conversion.amount();
        }
    }

    @Override
    protected void emit(String key, long bucketStart, ConversionBucket bucket, Collector<MetricPoint> out) {
        int split = key.lastIndexOf(SEPARATOR);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("online_to_store", bucket.onlineToStore);
        fields.put("purchases", bucket.purchases);
        fields.put("revenue", Math.round(bucket.revenue * 100) / 100.0);
        fields.put("store_to_online", bucket.storeToOnline);
        if (bucket.onlineToStore > 0) {
            fields.put("mean_lead_s", bucket.leadMillisTotal / 1000.0 / bucket.onlineToStore);
        }
        out.collect(MetricPoint.of(
                MEASUREMENT,
                Map.of("store", key.substring(0, split), "channel", key.substring(split + 1)),
                fields,
                bucketStart));
    }
}
