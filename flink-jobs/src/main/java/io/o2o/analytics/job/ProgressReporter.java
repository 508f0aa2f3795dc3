package io.o2o.analytics.job;

import io.o2o.analytics.ingest.DuplicateReceipts;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

/**
 * Prints one progress line per interval during a local run: records read, decisions made, dead letters,
 * how far event time has got, and how often the job has restarted (a run against Kafka restarts while the broker
 * is away, {@link LocalRecovery}: without the count, a line that stands still would not say why). A Flink metric
 * reporter, so it reads the job's own metrics instead of sharing state with it; the launcher installs it only for
 * local runs.
 */
public final class ProgressReporter implements MetricReporter, Scheduled {
    private final Map<String, Counter> records = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Counter> visits = new ConcurrentHashMap<>();
    private final Map<String, Gauge<?>> watermarks = new ConcurrentHashMap<>();
    private final Map<String, Gauge<?>> restarts = new ConcurrentHashMap<>();
    private final PrintStream out = System.out;
    private final long startedAt = System.nanoTime();
    private long lastRecords;
    private long lastReportAt = startedAt;

    /** Registered under {@code metrics.reporter.progress.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ProgressReporter();
        }
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String id = group.getMetricIdentifier(name);
        if (metric instanceof Counter counter) {
            if (name.equals("records") && id.contains(".input.")) {
                records.put(id, counter);
            } else if (name.startsWith("deadLetters.") || name.equals("rejectedPings")
                    || name.equals(DuplicateReceipts.COUNTER)) {
                deadLetters.put(id, counter);
            } else if (name.equals("decisions.visit")) {
                visits.put(id, counter);
            }
        } else if (metric instanceof Gauge<?> gauge && name.equals("currentInputWatermark")
                && id.contains("detect visits")) {
            watermarks.put(id, gauge);
        } else if (metric instanceof Gauge<?> gauge && name.equals("numRestarts")) {
            restarts.put(id, gauge);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String id = group.getMetricIdentifier(name);
        // Keep finished counters: their counts still belong to the run's totals.
        watermarks.remove(id);
        restarts.remove(id);
    }

    @Override
    public void report() {
        long now = System.nanoTime();
        long total = sum(records);
        double rate = (total - lastRecords) / Math.max(1e-9, (now - lastReportAt) / 1e9);
        lastRecords = total;
        lastReportAt = now;
        long restarted = restarts();
        out.printf(
                "[progress] %5.0f s | %,d records (%,.0f/s) | %,d visits | %,d dead letters | event time %s%s%n",
                (now - startedAt) / 1e9, total, rate, sum(visits), sum(deadLetters), eventTime(),
                restarted == 0 ? "" : " | restarted " + restarted + " times (see the log)");
    }

    private long restarts() {
        long total = 0;
        for (Gauge<?> gauge : restarts.values()) {
            if (gauge.getValue() instanceof Number count) {
                total += count.longValue();
            }
        }
        return total;
    }

    private String eventTime() {
        long min = Long.MAX_VALUE;
        for (Gauge<?> gauge : watermarks.values()) {
            if (gauge.getValue() instanceof Long watermark) {
                min = Math.min(min, watermark);
            }
        }
        return min == Long.MAX_VALUE || min <= 0 ? "-" : Instant.ofEpochMilli(min).toString();
    }

    private static long sum(Map<String, Counter> counters) {
        return counters.values().stream().mapToLong(Counter::getCount).sum();
    }
}
