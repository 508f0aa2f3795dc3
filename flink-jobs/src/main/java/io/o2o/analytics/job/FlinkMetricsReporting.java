package io.o2o.analytics.job;

import io.o2o.analytics.influx.reporter.InfluxDbReporterFactory;
import io.o2o.analytics.influx.reporter.InfluxDbReporterOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;

/**
 * Flink's own metrics in InfluxDB, for the panels of <b>O2O / Pipeline health</b> that the job's measurements
 * cannot fill: checkpoint duration and failures (JobManager), consumer lag of the Kafka source, retries and
 * failures of the InfluxDB sink (TaskManagers). A metric reporter is a cluster setting, not a job's: on a cluster
 * its configuration holds the same settings (docker/flink/conf/config.yaml, scripts/flink-cluster/); here they are
 * for the embedded MiniCluster of local runs and the tests.
 */
public final class FlinkMetricsReporting {
    private FlinkMetricsReporting() {}

    /** The reporter's name in {@code metrics.reporter.<name>.*}. */
    public static final String REPORTER = "influx";

    /**
     * Flink's reporter filter ({@code filter.includes}): only what the dashboard shows, since a job of this size
     * registers some thousands of metrics and every one reported is a series in InfluxDB.
     */
    public static final List<String> INCLUDES = List.of(
            "jobmanager.job:lastCheckpointDuration,lastCheckpointSize,numberOfCompletedCheckpoints,"
                    + "numberOfFailedCheckpoints:gauge",
            "taskmanager.job.task.operator:pendingRecords:gauge",
            "taskmanager.job.task.operator:writeRetries,writeFailures:counter");

    /**
     * Variables left out of the tags ({@code scope.variables.excludes}): ids that repeat a name beside them, and the
     * task attempt, which would start new series at every restart.
     */
    public static final String EXCLUDED_VARIABLES = "tm_id;task_id;task_attempt_id;task_attempt_num;operator_id";

    /**
     * The reporter settings for an embedded MiniCluster writing where the job's sink writes: empty without
     * {@code influxdb.url}. The token comes from {@code influxdb.token-file} or the environment variable
     * {@value Secrets#INFLUXDB_TOKEN_ENV}, which the reporter reads itself, so it never enters the configuration.
     */
    public static Configuration embedded(Configuration options) {
        Configuration flink = new Configuration();
        if (options.getOptional(JobOptions.INFLUXDB_URL).isEmpty()) {
            return flink;
        }
        set(flink, MetricOptions.REPORTER_FACTORY_CLASS, InfluxDbReporterFactory.class.getName());
        set(flink, MetricOptions.REPORTER_INTERVAL, options.get(JobOptions.FLINK_METRICS_INTERVAL));
        set(flink, MetricOptions.REPORTER_INCLUDES, INCLUDES);
        set(flink, MetricOptions.REPORTER_EXCLUDED_VARIABLES, EXCLUDED_VARIABLES);
        set(flink, InfluxDbReporterOptions.URL, options.get(JobOptions.INFLUXDB_URL));
        set(flink, InfluxDbReporterOptions.ORG, options.get(JobOptions.INFLUXDB_ORG));
        set(flink, InfluxDbReporterOptions.BUCKET, options.get(JobOptions.INFLUXDB_BUCKET));
        set(flink, InfluxDbReporterOptions.TOKEN_ENV, Secrets.INFLUXDB_TOKEN_ENV);
        options.getOptional(JobOptions.INFLUXDB_TOKEN_FILE)
                .ifPresent(file -> set(flink, InfluxDbReporterOptions.TOKEN_FILE, file));
        return flink;
    }

    /**
     * Sets a reporter option: Flink's reporter options and the reporter's own are keyed relative to
     * {@code metrics.reporter.<name>.}; Flink's own conversion turns the value into its configuration text.
     */
    private static <T> void set(Configuration flink, ConfigOption<T> option, T value) {
        Configuration relative = new Configuration();
        relative.set(option, value);
        relative.toMap().forEach((key, text) -> flink.setString("metrics.reporter." + REPORTER + "." + key, text));
    }
}
