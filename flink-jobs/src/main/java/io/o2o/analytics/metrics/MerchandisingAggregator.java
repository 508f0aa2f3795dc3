package io.o2o.analytics.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Attention against sales per zone and period ({@code merchandising}, hourly by default): the devices that
 * dwelt in the zone (at least {@link MerchandisingSignal#ATTENTION_MIN_DWELL}), the receipts and units of the
 * SKUs shown in it, and the zone conversion ratio, receipts per dweller. Two flags tell store operations where
 * to look: {@code attention_without_sales} (at least {@code minDwellers} dwellers, converting below
 * {@code lowConversion}: the display draws people and does not sell) and {@code sales_without_attention}
 * (receipts but fewer dwellers than {@code minDwellers}: it sells without drawing a crowd, worth more space).
 *
 * <p>Keyed by store and zone. Dwellers count in the period their zone visit ended; devices undercount people,
 * so the ratio compares zones of one store (same device share) better than stores.
 */
public class MerchandisingAggregator
        extends EventTimeBuckets<String, MerchandisingSignal, MerchandisingBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "merchandising";

    private final int minDwellers;
    private final double lowConversion;

    public MerchandisingAggregator(Duration period, Duration decisionDelay, int minDwellers, double lowConversion) {
        super(period, decisionDelay, MerchandisingBucket.class);
        this.minDwellers = minDwellers;
        this.lowConversion = lowConversion;
    }

    @Override
    protected long eventTimeOf(MerchandisingSignal signal) {
        return signal.ts();
    }

    @Override
    protected MerchandisingBucket newBucket() {
        return new MerchandisingBucket();
    }

    @Override
    protected void add(MerchandisingBucket bucket, MerchandisingSignal signal) {
        if (signal.isAttention()) {
            if (!bucket.dwellers.contains(signal.deviceId())) {
                bucket.dwellers.add(signal.deviceId());
            }
            return;
        }
        if (!bucket.receipts.contains(signal.txId())) {
            bucket.receipts.add(signal.txId());
        }
        bucket.units += signal.units();
    }

    @Override
    protected void emit(String key, long bucketStart, MerchandisingBucket bucket, Collector<MetricPoint> out) {
        long dwellers = bucket.dwellers.size();
        long receipts = bucket.receipts.size();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dwellers", dwellers);
        fields.put("receipts", receipts);
        fields.put("units_sold", bucket.units);
        if (dwellers > 0) {
            fields.put("conversion", (double) receipts / dwellers);
        }
        fields.put("attention_without_sales",
                dwellers >= minDwellers && (double) receipts / dwellers < lowConversion ? 1L : 0L);
        fields.put("sales_without_attention", receipts > 0 && dwellers < minDwellers ? 1L : 0L);
        int split = key.indexOf('|');
        out.collect(MetricPoint.of(
                MEASUREMENT, Map.of("store", key.substring(0, split), "zone", key.substring(split + 1)), fields, bucketStart));
    }
}
