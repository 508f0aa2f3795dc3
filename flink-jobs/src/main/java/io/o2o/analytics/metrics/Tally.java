package io.o2o.analytics.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * One count kept twice: as a Flink metric, which the reporters (InfluxDB, the launcher's progress line) read while
 * the job runs, and as a job accumulator, which a finished run's summary reads.
 */
public final class Tally {
    private final Counter metric;
    private final LongCounter total;

    private Tally(Counter metric, LongCounter total) {
        this.metric = metric;
        this.total = total;
    }

    /** Registers the metric {@code metricName} of this subtask and the job accumulator {@code accumulatorName}. */
    public static Tally register(RuntimeContext context, String metricName, String accumulatorName) {
        LongCounter total = new LongCounter();
        context.addAccumulator(accumulatorName, total);
        return new Tally(context.getMetricGroup().counter(metricName), total);
    }

    /** One tally per kind: metrics {@code metricPrefix + kind}, accumulators {@code accumulatorPrefix + kind}. */
    public static Map<String, Tally> perKind(
            RuntimeContext context, String metricPrefix, String accumulatorPrefix, List<String> kinds) {
        Map<String, Tally> tallies = new HashMap<>();
        for (String kind : kinds) {
            tallies.put(kind, register(context, metricPrefix + kind, accumulatorPrefix + kind));
        }
        return tallies;
    }

    public void inc() {
        add(1);
    }

    public void add(long count) {
        metric.inc(count);
        total.add(count);
    }
}
