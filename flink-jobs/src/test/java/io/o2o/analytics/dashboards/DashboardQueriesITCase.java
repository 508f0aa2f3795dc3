package io.o2o.analytics.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.dashboards.GrafanaFiles.AlertQuery;
import io.o2o.analytics.dashboards.GrafanaMacros.Selection;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.FlinkMetricsReporting;
import io.o2o.analytics.job.JobSetup;
import io.o2o.analytics.job.LocationAnalyticsJob;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.testing.InfluxTestServer;
import io.o2o.analytics.testing.InfluxV2WriteProxyProcess;
import io.o2o.analytics.testing.KafkaTestBroker;
import io.o2o.analytics.testing.SimulatedTime;
import io.o2o.analytics.testing.TestHashKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard and alert rule, run against a real InfluxDB that the real job has filled: the
 * simulated city written to a real Kafka, the job reading it on an embedded MiniCluster set up as local runs set it
 * up (parallelism 2, checkpoints every 500 ms): the production InfluxDB sink for the job's measurements, and the
 * project's Flink metric reporter on that MiniCluster for Flink's own (checkpoints, consumer lag, sink retries). Each query is expanded the way Grafana
 * expands it ($timeFilter, $__interval, template variables as "All", as the busiest value and as the two busiest, in
 * Grafana's regex format) and must run without error and return rows.
 *
 * <p>The city is simulated at a fixed time ({@link SimulatedTime#START}), so the job's measurements lie in that
 * window whenever the test runs; the reporter stamps Flink's metrics with the wall clock of the run. On a live
 * dashboard the two coincide; here $timeFilter is the simulated window for the job's measurements and the run's
 * wall-clock window for Flink's ({@link FlinkMetrics}).
 */
class DashboardQueriesITCase {
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    /** The last minutes of the window are written once the exit timeout has passed: look a little beyond. */
    private static final Duration AFTER_THE_WINDOW = Duration.ofMinutes(30);

    @TempDir
    static Path outputs;

    private static InfluxTestServer influx;
    private static InfluxV2WriteProxyProcess proxy;
    private static KafkaTestBroker kafka;
    private static String database;
    private static long fromMillis;
    private static long toMillis;
    /** When the job ran, by the wall clock: where the reporter's points are. */
    private static long runFromMillis;
    private static long runToMillis;

    @BeforeAll
    static void runTheJobIntoInfluxDb() throws Exception {
        influx = InfluxTestServer.fromEnvironment();
        database = influx.createDatabase("dashboards");
        // The v2 write path in front of the 1.6 test server, for the job's sink and the metric reporter alike.
        proxy = InfluxV2WriteProxyProcess.start(influx.url(), GrafanaFiles.root());
        kafka = KafkaTestBroker.fromEnvironment();
        Map<InputTopic, String> inputTopics = new EnumMap<>(InputTopic.class);
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka", "--bounded", "--outputs", "files",
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id", "dashboards-" + System.nanoTime(),
                "--parallelism", "2",
                // Often: the bounded job takes some seconds only, and the checkpoint panels want completed ones.
                "--checkpoint.interval", "500ms",
                "--state.backend", "hashmap",
                "--output.dir", outputs.toString()));
        args.addAll(List.of("--influxdb.url", proxy.url(), "--influxdb.bucket", database,
                "--influxdb.flink-metrics-interval", "1s"));
        for (InputTopic topic : InputTopic.values()) {
            inputTopics.put(topic, kafka.createTopic(topic.defaultTopicName(), 2));
            args.addAll(List.of("--topic." + topic.defaultTopicName(), inputTopics.get(topic)));
        }
        Configuration options = CommandLine.parse(args.toArray(String[]::new));
        JobSetup setup = JobSetup.of(TestHashKeys.withKeyFile(options, "dashboard-queries-test-key-0123456789"), Map.of());

        // A fixed simulated hour (Saturday noon in Shanghai): the sample offer rules run, the stores are open.
        SimulationSettings simulated = SimulationSettings.builder()
                .start(SimulatedTime.START)
                .customers(400)
                .duration(Duration.ofHours(1))
                .badRecordRate(0.01)
                .build();
        try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(kafka.bootstrapServers(), inputTopics)) {
            writer.write(new CitySimulator(setup.fences(), simulated).run(), 0, (sent, total) -> {});
        }

        // The production sinks: the InfluxDB sink writes through the proxy like the reporter.
        LocationAnalyticsJob job = setup.job();
        // A metric reporter is a cluster setting: the MiniCluster of a local environment takes it from the
        // configuration, as in LocalLauncher.
        Configuration flink = setup.flinkConfiguration();
        flink.addAll(FlinkMetricsReporting.embedded(options));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // Whole minutes around the run, as a dashboard's "last N minutes" would cover it.
        runFromMillis = wallClockMinute() - INTERVAL.toMillis();
        job.execute(StreamExecutionEnvironment.createLocalEnvironment(flink));
        runToMillis = wallClockMinute() + 2 * INTERVAL.toMillis();

        fromMillis = simulated.start().toEpochMilli();
        toMillis = simulated.start().plus(simulated.duration()).plus(AFTER_THE_WINDOW).toEpochMilli();
    }

    /** The reporter's points carry the wall-clock time of the run; nothing simulated is derived from it. */
    private static long wallClockMinute() {
        long now = System.currentTimeMillis();
        return now - now % INTERVAL.toMillis();
    }

    private static final Set<String> FLINK_MEASUREMENTS = FlinkMetrics.DECLARED.stream()
            .map(FlinkMetrics.FlinkMetric::measurement)
            .collect(Collectors.toUnmodifiableSet());

    /** Where {@code measurement}'s points are: the run's wall-clock minutes for Flink's, else the simulated window. */
    private static long[] window(String measurement) {
        return FLINK_MEASUREMENTS.contains(measurement)
                ? new long[] {runFromMillis, runToMillis}
                : new long[] {fromMillis, toMillis};
    }

    /** Grafana's expansion of a query of {@code measurement} over the window where its points are. */
    private static GrafanaMacros over(String measurement, Map<String, Selection> selection) {
        long[] window = window(measurement);
        return new GrafanaMacros(window[0], window[1], INTERVAL, selection);
    }

    @AfterAll
    static void dropTheDatabase() {
        if (influx != null && database != null) {
            influx.dropDatabase(database);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theReporterWroteTheDeclaredFlinkMetricsWithTheirFieldsAndTags() {
        for (FlinkMetrics.FlinkMetric metric : FlinkMetrics.DECLARED) {
            String from = " FROM \"" + metric.measurement() + "\"";
            assertThat(influx.query(database, "SHOW FIELD KEYS" + from)).extracting(row -> row.get("fieldKey"))
                    .as("fields of " + metric.measurement()).containsAll(metric.fields());
            assertThat(influx.query(database, "SHOW TAG KEYS" + from)).extracting(row -> row.get("tagKey"))
                    .as("tags of " + metric.measurement()).containsAll(metric.tags());
            assertThat(tagValues(metric.measurement(), "job_name")).as(metric.measurement())
                    .containsExactly(LocationAnalyticsJob.JOB_NAME);
        }
        // The checkpoint gauges were reported, within the run (whether one had completed by the reporter's last
        // report before the bounded job ended depends on timing; the cluster test waits for a completed one), and
        // the sink's counters belong to the metrics sink.
        for (String gauge : List.of("numberOfCompletedCheckpoints", "lastCheckpointDuration")) {
            assertThat(influx.queryLong(database, "SELECT count(\"value\") FROM \"jobmanager_job_" + gauge
                    + "\" WHERE time >= " + runFromMillis + "ms AND time <= " + runToMillis + "ms"))
                    .as("points of jobmanager_job_" + gauge + " during the run").isPositive();
        }
        assertThat(tagValues("taskmanager_job_task_operator_writeRetries", "operator_name"))
                .singleElement().asString().startsWith("metrics");
        // A reader whose partitions are all read before a report interval ends may report no lag at all.
        assertThat(tagValues("taskmanager_job_task_operator_pendingRecords", "subtask_index"))
                .isNotEmpty()
                .isSubsetOf("0", "1");
    }

    private static List<String> tagValues(String measurement, String key) {
        return influx.query(database, "SHOW TAG VALUES FROM \"" + measurement + "\" WITH KEY = \"" + key + "\"")
                .stream().map(row -> String.valueOf(row.get("value"))).toList();
    }

    @Test
    void theJobWroteEveryMeasurementTheDashboardsRead() {
        for (GrafanaFiles.Target target : GrafanaFiles.targets()) {
            String measurement = InfluxQlQuery.of(target.query()).measurement();
            assertThat(influx.query(database, "SELECT count(*) FROM \"" + measurement + "\""))
                    .as(measurement + " in InfluxDB").isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyTemplateVariableListsValues() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            // The variables before at "All", as a chained variable first shows.
            Map<String, Selection> before = new LinkedHashMap<>();
            for (JsonNode variable : GrafanaFiles.variables(dashboard)) {
                String name = dashboard.path("title").asText() + " / $" + variable.path("name").asText();
                List<String> values = values(variable, before);
                tests.add(DynamicTest.dynamicTest(name, () -> assertThat(values).isNotEmpty()));
                before.put(variable.path("name").asText(), Selection.all(values,
                        variable.hasNonNull("allValue") ? variable.path("allValue").asText() : null));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyPanelQueryReturnsRows() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            List<Map<String, Selection>> contexts = selections(dashboard);
            for (JsonNode panel : GrafanaFiles.dataPanels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    String query = target.path("query").asText();
                    String measurement = InfluxQlQuery.of(query).measurement();
                    for (Map<String, Selection> selection : contexts) {
                        GrafanaMacros macros = over(measurement, selection);
                        String name = dashboard.path("title").asText() + " / " + panel.path("title").asText() + " / "
                                + target.path("refId").asText() + (macros.toString().isEmpty() ? "" : " / " + macros);
                        tests.add(DynamicTest.dynamicTest(name, () -> assertReturnsRows(macros.expand(query))));
                    }
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyAlertQueryRuns() {
        List<DynamicTest> tests = new ArrayList<>();
        for (AlertQuery alert : GrafanaFiles.alertQueries()) {
            tests.add(DynamicTest.dynamicTest(alert.toString(), () -> {
                String query = over(InfluxQlQuery.of(alert.query()).measurement(), Map.of()).expand(alert.query());
                List<Map<String, Object>> rows = influx.query(database, query);
                // A store nobody entered in the simulated hour has no occupancy point: the rule then sees no data,
                // which it treats as OK. Every other alert query must find data.
                if (!query.contains("\"store\" = '") || storeHasTraffic(query)) {
                    assertThat(rows).as("`" + query + "`").isNotEmpty();
                }
            }));
        }
        return tests.stream();
    }

    private void assertReturnsRows(String query) {
        assertThat(influx.query(database, query)).as("`" + query + "`").isNotEmpty();
    }

    private static boolean storeHasTraffic(String query) {
        String store = query.replaceAll("(?s).*\"store\" = '([^']*)'.*", "$1");
        return influx.queryLong(database, "SELECT count(\"entries\") FROM \"store_traffic\" WHERE \"store\" = '"
                + store + "' AND time >= " + fromMillis + "ms and time <= " + toMillis + "ms") > 0;
    }

    /**
     * The variable settings each query runs under: every variable at "All", every variable at its busiest value,
     * every variable at its two busiest values (Grafana's multi-value regex form).
     */
    private static List<Map<String, Selection>> selections(JsonNode dashboard) {
        Map<String, Selection> all = new LinkedHashMap<>();
        Map<String, Selection> one = new LinkedHashMap<>();
        Map<String, Selection> two = new LinkedHashMap<>();
        // Tag key to the busiest value of the variables before: a later variable is ranked among those points, so
        // that the busiest store and the busiest channel are busy together.
        Map<String, String> before = new LinkedHashMap<>();
        for (JsonNode variable : GrafanaFiles.variables(dashboard)) {
            String name = variable.path("name").asText();
            // A chained variable (zones of the selected stores) lists its values under the variables before at "All".
            List<String> values = values(variable, all);
            List<String> busiest = byActivity(variable, values, before);
            before.put(InfluxQlQuery.of(variable.path("query").asText()).tags().iterator().next(), busiest.get(0));
            all.put(name, Selection.all(values,
                    variable.hasNonNull("allValue") ? variable.path("allValue").asText() : null));
            one.put(name, Selection.of(busiest.get(0)));
            two.put(name, Selection.of(busiest.subList(0, Math.min(2, busiest.size())).toArray(String[]::new)));
        }
        return List.of(all, one, two);
    }

    /** The values a query variable offers, as Grafana gets them: its query's `value` column. */
    private static List<String> values(JsonNode variable, Map<String, Selection> before) {
        String text = variable.path("query").asText();
        String query = over(InfluxQlQuery.of(text).measurement(), before).expand(text);
        return influx.query(database, query).stream().map(row -> String.valueOf(row.get("value"))).toList();
    }

    /**
     * The values, busiest first: by the sum of every field of the variable's measurement in the window, among the
     * points of the values chosen {@code before} (by tag key) where the measurement has those tags.
     */
    private static List<String> byActivity(JsonNode variable, List<String> values, Map<String, String> before) {
        InfluxQlQuery show = InfluxQlQuery.of(variable.path("query").asText());
        String key = show.tags().iterator().next();
        Map<String, Double> activity = new LinkedHashMap<>();
        values.forEach(v -> activity.put(v, 0.0));
        List<Object> tagKeys = influx.query(database, "SHOW TAG KEYS FROM \"" + show.measurement() + "\"").stream()
                .map(row -> row.get("tagKey"))
                .toList();
        StringBuilder among = new StringBuilder();
        before.forEach((tag, value) -> {
            if (tagKeys.contains(tag)) {
                among.append(" AND \"").append(tag).append("\" = '").append(value.replace("'", "\\'")).append('\'');
            }
        });
        long[] window = window(show.measurement());
        for (Map<String, Object> row : influx.query(database, "SELECT sum(*) FROM \"" + show.measurement()
                + "\" WHERE time >= " + window[0] + "ms and time <= " + window[1] + "ms" + among + " GROUP BY \""
                + key + "\"")) {
            double sum = row.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("sum_") && e.getValue() instanceof Number)
                    .mapToDouble(e -> ((Number) e.getValue()).doubleValue())
                    .sum();
            activity.merge(String.valueOf(row.get(key)), sum, Double::sum);
        }
        return activity.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }
}
