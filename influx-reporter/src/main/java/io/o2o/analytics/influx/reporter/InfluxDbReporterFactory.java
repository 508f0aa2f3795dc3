package io.o2o.analytics.influx.reporter;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates the {@link InfluxDbReporter}: {@code metrics.reporter.<name>.factory.class:
 * io.o2o.analytics.influx.reporter.InfluxDbReporterFactory}. Flink finds it in a plugins/ sub-folder or on the
 * classpath (the embedded MiniCluster) through {@code META-INF/services}.
 */
public final class InfluxDbReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new InfluxDbReporter();
    }
}
