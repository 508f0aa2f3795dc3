package io.o2o.analytics.metrics;

import io.o2o.analytics.offers.OfferDecision;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Geo-offers per store, rule and period ({@code offers}): sent, suppressed by a cap or cooldown, by consent, by
 * quiet hours, or for want of an online identifier, and redeemed (with the purchases' revenue). A decision counts in
 * the period it was taken; a redemption in that of its purchase.
 *
 * <p>Keyed by {@link #keyOf}: store and rule. Rule ids are validated to a short slug, and marketers keep tens of
 * rules, so the {@code rule} tag stays bounded.
 */
public class OffersAggregator extends EventTimeBuckets<String, OfferDecision, OffersBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String MEASUREMENT = "offers";
    private static final char SEPARATOR = '|';

    public OffersAggregator(Duration period, Duration decisionDelay) {
        super(period, decisionDelay, OffersBucket.class);
    }

    public static String keyOf(OfferDecision decision) {
        return decision.storeId() + SEPARATOR + decision.ruleId();
    }

    @Override
    protected long eventTimeOf(OfferDecision decision) {
        return decision.decidedAt();
    }

    @Override
    protected OffersBucket newBucket() {
        return new OffersBucket();
    }

    @Override
    protected void add(OffersBucket bucket, OfferDecision decision) {
        switch (decision.outcome()) {
            case OfferDecision.SENT -> bucket.sent++;
            case OfferDecision.SUPPRESSED_CAP -> bucket.suppressedCap++;
            case OfferDecision.SUPPRESSED_CONSENT -> bucket.suppressedConsent++;
            case OfferDecision.SUPPRESSED_QUIET_HOURS -> bucket.suppressedQuietHours++;
            case OfferDecision.SUPPRESSED_UNREACHABLE -> bucket.suppressedUnreachable++;
            case OfferDecision.REDEEMED -> {
                bucket.redeemed++;
                bucket.redeemedRevenue += decision.amount() == null ? 0 : decision.amount();
            }
            default -> throw new IllegalArgumentException("unknown offer outcome " + decision.outcome());
        }
    }

    @Override
    protected void emit(String key, long bucketStart, OffersBucket bucket, Collector<MetricPoint> out) {
        int split = key.indexOf(SEPARATOR);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sent", bucket.sent);
        fields.put("suppressed_cap", bucket.suppressedCap);
        fields.put("suppressed_consent", bucket.suppressedConsent);
        fields.put("suppressed_quiet_hours", bucket.suppressedQuietHours);
        fields.put("suppressed_unreachable", bucket.suppressedUnreachable);
        fields.put("redeemed", bucket.redeemed);
        fields.put("redeemed_revenue", Math.round(bucket.redeemedRevenue * 100) / 100.0);
        out.collect(MetricPoint.of(MEASUREMENT,
                Map.of("store", key.substring(0, split), "rule", key.substring(split + 1)), fields, bucketStart));
    }
}
