package io.o2o.analytics.dashboards;

import io.o2o.analytics.dashboards.WrittenMeasurements.Measurement;
import java.util.List;
import java.util.Set;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricType;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The Flink metrics the dashboards read, declared: Flink registers them, the project's InfluxDB reporter writes
 * them (io.o2o.analytics.influx.reporter), so no aggregator of the job can be run to learn them. Each is a metric
 * name in a logical scope, of a type; its measurement, fields and tags follow from the reporter's schema. The
 * declaration is checked both ways: {@code DashboardsTest} that every configured reporter filter lets these
 * through, {@code DashboardQueriesITCase} that a real job's reporter wrote these measurements with these fields
 * and tags.
 */
final class FlinkMetrics {
    private FlinkMetrics() {}

    /** One Flink metric: where Flink registers it, and the tags the dashboards use. */
    record FlinkMetric(String scope, String name, MetricType type, Set<String> tags) {

        /** As the reporter names it: the logical scope joined with _, then the metric's name. */
        String measurement() {
            return scope.replace('.', '_') + "_" + name;
        }

        /** As the reporter writes it: a counter's count, a gauge's value. */
        Set<String> fields() {
            return switch (type) {
                case COUNTER -> Set.of("count");
                case GAUGE -> Set.of("value");
                default -> throw new IllegalStateException("no declared metric is a " + type);
            };
        }

        Measurement asMeasurement() {
            return new Measurement(measurement(), fields(), tags);
        }

        /** A metric of this type, for Flink's reporter filter, which looks at the type. */
        Metric sample() {
            return type == MetricType.COUNTER ? new SimpleCounter() : (Gauge<Long>) () -> 0L;
        }
    }

    private static final String JOB = "jobmanager.job";
    private static final String OPERATOR = "taskmanager.job.task.operator";
    // The tags the dashboards may use. The reporter writes more (host, task_name): a TaskManager of a MiniCluster
    // has no host name, for one.
    private static final Set<String> JOB_TAGS = Set.of("job_id", "job_name");
    private static final Set<String> OPERATOR_TAGS = Set.of("job_id", "job_name", "operator_name", "subtask_index");

    static final List<FlinkMetric> DECLARED = List.of(
            // Checkpointing, on the JobManager.
            new FlinkMetric(JOB, "lastCheckpointDuration", MetricType.GAUGE, JOB_TAGS),
            new FlinkMetric(JOB, "lastCheckpointSize", MetricType.GAUGE, JOB_TAGS),
            new FlinkMetric(JOB, "numberOfCompletedCheckpoints", MetricType.GAUGE, JOB_TAGS),
            new FlinkMetric(JOB, "numberOfFailedCheckpoints", MetricType.GAUGE, JOB_TAGS),
            // The Kafka source's records not yet read (FLIP-33's standard source metric).
            new FlinkMetric(OPERATOR, "pendingRecords", MetricType.GAUGE, OPERATOR_TAGS),
            // The InfluxDB sink's own counters (io.o2o.analytics.sink.influx.BatchingPointWriter).
            new FlinkMetric(OPERATOR, "writeRetries", MetricType.COUNTER, OPERATOR_TAGS),
            new FlinkMetric(OPERATOR, "writeFailures", MetricType.COUNTER, OPERATOR_TAGS));

    static List<Measurement> measurements() {
        return DECLARED.stream().map(FlinkMetric::asMeasurement).toList();
    }
}
