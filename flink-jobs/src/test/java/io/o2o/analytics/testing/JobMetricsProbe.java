package io.o2o.analytics.testing;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Reads a running job's restart and checkpoint counts, which a test cannot get from its {@code JobClient}: a metric
 * reporter of the MiniCluster that keeps the JobManager's job gauges. One job at a time ({@link #reset()} between).
 * Flink finds reporter factories with the service loader: the factory is listed in the test resources'
 * {@code META-INF/services}.
 */
public final class JobMetricsProbe implements MetricReporter {
    public static final String RESTARTS = "numRestarts";
    public static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";

    private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();

    /** The settings that install the probe in a MiniCluster's configuration. */
    public static Configuration configuration() {
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter.probe.factory.class", Factory.class.getName());
        return flink;
    }

    public static void reset() {
        GAUGES.clear();
    }

    /** The gauge's value now, 0 before the job registered it. */
    public static long value(String name) {
        Gauge<?> gauge = GAUGES.get(name);
        return gauge != null && gauge.getValue() instanceof Number number ? number.longValue() : 0;
    }

    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new JobMetricsProbe();
        }
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Gauge<?> gauge && (name.equals(RESTARTS) || name.equals(COMPLETED_CHECKPOINTS))) {
            GAUGES.put(name, gauge);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
}
