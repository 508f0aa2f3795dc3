package io.o2o.analytics.influx.reporter;

import io.o2o.analytics.influx.LineProtocol;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Flink's metrics to InfluxDB as line protocol through the v2 write API, every reporting interval
 * ({@code metrics.reporter.<name>.interval}). Which metrics, Flink's reporter filters decide
 * ({@code metrics.reporter.<name>.filter.includes}); which tags, its variable exclusions
 * ({@code scope.variables.excludes}).
 *
 * <p>The points follow the schema of Flink's own InfluxDB reporter (flink-metrics-influxdb, last published for
 * Flink 2.0), so dashboards work with either:
 *
 * <ul>
 *   <li>measurement: the metric's logical scope joined with {@code _}, then {@code _} and the metric name, e.g.
 *       {@code jobmanager_job_lastCheckpointDuration}, {@code taskmanager_job_task_operator_pendingRecords};
 *   <li>tags: the metric group's variables without their angle brackets ({@code host}, {@code job_name},
 *       {@code operator_name}, {@code subtask_index}, ...);
 *   <li>fields: a counter's {@code count}; a gauge's {@code value}; a meter's {@code count} and {@code rate}; a
 *       histogram's {@code run-count}, {@code count}, {@code min}, {@code max}, {@code mean}, {@code std-dev} and
 *       {@code 50-percentile} ... {@code 999-percentile};
 *   <li>time: when the report ran, in milliseconds, the same for every point of one report.
 * </ul>
 *
 * <p>A failed write is logged and dropped: the next report carries the then current values, and a metrics outage
 * must never hold up the job. Gauges whose value InfluxDB cannot store (null, NaN, infinite) are left out.
 */
public final class InfluxDbReporter implements MetricReporter, Scheduled {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbReporter.class);
    private static final char SCOPE_SEPARATOR = '_';
    private static final Pattern NOT_ALLOWED_IN_SCOPE = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final CharacterFilter SCOPE_FILTER =
            input -> NOT_ALLOWED_IN_SCOPE.matcher(input).replaceAll("_");
    private static final double[] QUANTILES = {.50, .75, .95, .98, .99, .999};
    private static final String[] QUANTILE_FIELDS = {
        "50-percentile", "75-percentile", "95-percentile", "98-percentile", "99-percentile", "999-percentile"
    };

    /** One metric's place in InfluxDB: measurement and tags, fixed when the metric is registered. */
    record Series(String measurement, SortedMap<String, String> tags) {}

    private final Map<Metric, Series> metrics = new ConcurrentHashMap<>();
    /**
     * The last values of metrics removed since the last report (their task or job ended), written with the next
     * one: a bounded job, or a task that finishes between two reports, still leaves its final values.
     */
    private final Queue<String> departed = new ConcurrentLinkedQueue<>();
    private final Function<String, String> environment;
    private InfluxDbReporterOptions.Settings settings;
    private HttpClient http;
    /** The last failure logged as a warning; repeats of it go to debug until a write succeeds again. */
    private String lastFailure;

    public InfluxDbReporter() {
        this(System::getenv);
    }

    InfluxDbReporter(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void open(MetricConfig config) {
        Map<String, String> values = new HashMap<>();
        config.stringPropertyNames().forEach(key -> values.put(key, config.getProperty(key)));
        settings = InfluxDbReporterOptions.settings(Configuration.fromMap(values), environment);
        http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        LOG.info("InfluxDB metric reporter {}", settings);
    }

    @Override
    public void close() {
        // What was still to be written: the metrics that went away since the last report, and the rest as they are.
        report();
        // Java 17's HttpClient has no close(): its threads end once it is unreachable.
        http = null;
        metrics.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        metrics.put(metric, series(metricName, group));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        Series series = metrics.remove(metric);
        String last = series == null ? null : line(metric, series, System.currentTimeMillis(), new StringBuilder(256));
        if (last != null) {
            departed.add(last);
        }
    }

    /** Where a metric goes; package-private for the tests. */
    static Series series(String metricName, MetricGroup group) {
        String measurement = LogicalScopeProvider.castFrom(group).getLogicalScope(SCOPE_FILTER, SCOPE_SEPARATOR)
                + SCOPE_SEPARATOR + metricName;
        SortedMap<String, String> tags = new TreeMap<>();
        group.getAllVariables().forEach((key, value) -> tags.put(key.replaceAll("^<|>$", ""), value));
        return new Series(measurement, Collections.unmodifiableSortedMap(tags));
    }

    @Override
    public void report() {
        if (http == null) {
            return; // closed, or never opened
        }
        long now = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        for (String last = departed.poll(); last != null; last = departed.poll()) {
            lines.add(last);
        }
        lines.addAll(lines(now));
        for (int from = 0; from < lines.size(); from += settings.batchSize()) {
            List<String> batch = lines.subList(from, Math.min(lines.size(), from + settings.batchSize()));
            try {
                write(batch);
                if (lastFailure != null) {
                    LOG.info("InfluxDB metric reporter: writing to {} works again", settings.writeUri());
                    lastFailure = null;
                }
            } catch (IOException e) {
                failed(batch.size(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The current value of every registered metric, one line each; package-private for the tests. */
    List<String> lines(long timestampMillis) {
        List<String> lines = new ArrayList<>(metrics.size());
        StringBuilder line = new StringBuilder(256);
        metrics.forEach((metric, series) -> {
            String written = line(metric, series, timestampMillis, line);
            if (written != null) {
                lines.add(written);
            }
        });
        return lines;
    }

    /** The metric's current value as a line, or null when it has none to store. */
    private static String line(Metric metric, Series series, long timestampMillis, StringBuilder line) {
        Map<String, Object> fields;
        try {
            fields = fields(metric);
        } catch (RuntimeException e) {
            // A gauge of some library that throws must not cost the other metrics their report.
            LOG.debug("InfluxDB metric reporter: skipping {}: {}", series.measurement(), e.toString());
            return null;
        }
        if (fields.isEmpty()) {
            return null;
        }
        line.setLength(0);
        return LineProtocol.append(line, series.measurement(), series.tags(), fields, timestampMillis).toString();
    }

    private static Map<String, Object> fields(Metric metric) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (metric instanceof Counter counter) {
            fields.put("count", counter.getCount());
        } else if (metric instanceof Gauge<?> gauge) {
            put(fields, "value", gaugeValue(gauge.getValue()));
        } else if (metric instanceof Meter meter) {
            fields.put("count", meter.getCount());
            put(fields, "rate", meter.getRate());
        } else if (metric instanceof Histogram histogram) {
            HistogramStatistics statistics = histogram.getStatistics();
            fields.put("run-count", histogram.getCount());
            fields.put("count", (long) statistics.size());
            fields.put("min", statistics.getMin());
            fields.put("max", statistics.getMax());
            put(fields, "mean", statistics.getMean());
            put(fields, "std-dev", statistics.getStdDev());
            for (int i = 0; i < QUANTILES.length; i++) {
                put(fields, QUANTILE_FIELDS[i], statistics.getQuantile(QUANTILES[i]));
            }
        }
        return fields;
    }

    /** Integral numbers as integers, other numbers as floats, booleans as they are, anything else as text. */
    private static Object gaugeValue(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }

    private static void put(Map<String, Object> fields, String name, Object value) {
        if (LineProtocol.isStorable(value)) {
            fields.put(name, value);
        }
    }

    private void write(List<String> batch) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.writeUri())
                .timeout(settings.timeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch), StandardCharsets.UTF_8));
        settings.token().ifPresent(token -> request.header("Authorization", "Token " + token));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new IOException("HTTP " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body)));
        }
    }

    private void failed(int lines, String message) {
        String failure = String.valueOf(message);
        if (failure.equals(lastFailure)) {
            LOG.debug("InfluxDB metric reporter: {} metric lines not written to {}: {}", lines, settings.writeUri(),
                    failure);
        } else {
            LOG.warn("InfluxDB metric reporter: {} metric lines not written to {}: {} (repeats of this are "
                    + "logged at debug level)", lines, settings.writeUri(), failure);
            lastFailure = failure;
        }
    }
}
