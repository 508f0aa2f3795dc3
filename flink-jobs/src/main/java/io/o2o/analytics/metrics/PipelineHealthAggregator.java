package io.o2o.analytics.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.util.Collector;

/**
 * Records in and dead letters per input topic and minute ({@code pipeline_health}), and dead letters per
 * reason ({@code dead_letters}). Keyed by topic. Counted by the minute the record arrived (its Kafka
 * timestamp): that is what pipeline health is about, a dead letter's own time may be what was wrong with
 * it, and a replay of the same topics then writes the same points.
 */
public class PipelineHealthAggregator extends EventTimeBuckets<String, HealthTick, HealthBucket, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String HEALTH = "pipeline_health";
    public static final String DEAD_LETTERS = "dead_letters";

    public PipelineHealthAggregator(Duration period) {
        super(period, Duration.ZERO, HealthBucket.class);
    }

    @Override
    protected long eventTimeOf(HealthTick tick) {
        return tick.eventTime();
    }

    @Override
    protected HealthBucket newBucket() {
        return new HealthBucket();
    }

    @Override
    protected void add(HealthBucket bucket, HealthTick tick) {
        bucket.received += tick.received();
        if (tick.reason() != null) {
            bucket.deadLettersByReason.merge(tick.reason(), 1L, Long::sum);
        }
    }

    @Override
    protected void emit(String topic, long bucketStart, HealthBucket bucket, Collector<MetricPoint> out) {
        long deadLetters = bucket.deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        out.collect(MetricPoint.of(
                HEALTH,
                Map.of("topic", topic),
                Map.of("received", bucket.received, "dead_letters", deadLetters),
                bucketStart));
        // In the order of the reasons, whatever map the bucket was restored into.
        new TreeMap<>(bucket.deadLettersByReason).forEach((reason, count) -> out.collect(MetricPoint.of(
                DEAD_LETTERS, Map.of("topic", topic, "reason", reason), Map.of("count", count), bucketStart)));
    }
}
