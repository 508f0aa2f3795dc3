package io.o2o.analytics.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.dashboards.GrafanaFiles.AlertQuery;
import io.o2o.analytics.dashboards.GrafanaMacros.Selection;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.JobSetup;
import io.o2o.analytics.job.LocationAnalyticsJob;
import io.o2o.analytics.job.Secrets;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.testing.InfluxTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard and alert rule, run against a real InfluxDB that the real job has filled: the
 * simulated city on a MiniCluster (parallelism 2), the production InfluxDB sink. Each query is expanded the way
 * Grafana expands it ($timeFilter over the simulated window, $__interval, template variables as "All", as the
 * busiest value and as the two busiest, in Grafana's regex format) and must run without error and return rows.
 */
class DashboardQueriesITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(2);

    private static final Duration INTERVAL = Duration.ofMinutes(1);
    /** The last minutes of the window are written once the exit timeout has passed: look a little beyond. */
    private static final Duration AFTER_THE_WINDOW = Duration.ofMinutes(30);

    @TempDir
    static Path outputs;

    private static InfluxTestServer influx;
    private static String database;
    private static long fromMillis;
    private static long toMillis;

    @BeforeAll
    static void runTheJobIntoInfluxDb() throws Exception {
        influx = InfluxTestServer.fromEnvironment();
        database = influx.createDatabase("dashboards");
        Configuration options = CommandLine.parse(new String[] {
            "--simulator.customers", "400",
            "--simulator.duration", "1h",
            "--simulator.bad-record-rate", "0.01",
            "--parallelism", "2",
            "--checkpoint.interval", "2s",
            "--state.backend", "hashmap",
            "--output.dir", outputs.toString()
        });
        JobSetup setup = JobSetup.of(options, Map.of(Secrets.HASH_KEY_ENV, "dashboard-queries-test-key-0123456789"));
        // The production InfluxDB sink, with the 1.x write-path mapping that only the test server needs.
        LocationAnalyticsJob job = setup.job(setup.outputs().sinks().withMetrics(influx.sinkBuilder(database).build()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration flink = setup.flinkConfiguration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(flink);
        job.execute(env);

        SimulationSettings simulated = setup.simulationSettings();
        fromMillis = simulated.start().toEpochMilli();
        toMillis = simulated.start().plus(simulated.duration()).plus(AFTER_THE_WINDOW).toEpochMilli();
    }

    @AfterAll
    static void dropTheDatabase() {
        if (influx != null && database != null) {
            influx.dropDatabase(database);
        }
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
            for (JsonNode variable : GrafanaFiles.variables(dashboard)) {
                String name = dashboard.path("title").asText() + " / $" + variable.path("name").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> assertThat(values(variable)).isNotEmpty()));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyPanelQueryReturnsRows() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            List<GrafanaMacros> contexts = selections(dashboard);
            for (JsonNode panel : GrafanaFiles.dataPanels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    String query = target.path("query").asText();
                    for (GrafanaMacros macros : contexts) {
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
        GrafanaMacros macros = new GrafanaMacros(fromMillis, toMillis, INTERVAL, Map.of());
        List<DynamicTest> tests = new ArrayList<>();
        for (AlertQuery alert : GrafanaFiles.alertQueries()) {
            tests.add(DynamicTest.dynamicTest(alert.toString(), () -> {
                String query = macros.expand(alert.query());
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
    private static List<GrafanaMacros> selections(JsonNode dashboard) {
        Map<String, Selection> all = new LinkedHashMap<>();
        Map<String, Selection> one = new LinkedHashMap<>();
        Map<String, Selection> two = new LinkedHashMap<>();
        for (JsonNode variable : GrafanaFiles.variables(dashboard)) {
            String name = variable.path("name").asText();
            List<String> values = values(variable);
            List<String> busiest = byActivity(variable, values);
            all.put(name, Selection.all(values,
                    variable.hasNonNull("allValue") ? variable.path("allValue").asText() : null));
            one.put(name, Selection.of(busiest.get(0)));
            two.put(name, Selection.of(busiest.subList(0, Math.min(2, busiest.size())).toArray(String[]::new)));
        }
        return Stream.of(all, one, two)
                .map(selection -> new GrafanaMacros(fromMillis, toMillis, INTERVAL, selection))
                .toList();
    }

    /** The values a query variable offers, as Grafana gets them: its query's `value` column. */
    private static List<String> values(JsonNode variable) {
        String query = new GrafanaMacros(fromMillis, toMillis, INTERVAL, Map.of())
                .expand(variable.path("query").asText());
        return influx.query(database, query).stream().map(row -> String.valueOf(row.get("value"))).toList();
    }

    /** The values, busiest first: by the sum of every field of the variable's measurement in the window. */
    private static List<String> byActivity(JsonNode variable, List<String> values) {
        InfluxQlQuery show = InfluxQlQuery.of(variable.path("query").asText());
        String key = show.tags().iterator().next();
        Map<String, Double> activity = new LinkedHashMap<>();
        values.forEach(v -> activity.put(v, 0.0));
        for (Map<String, Object> row : influx.query(database, "SELECT sum(*) FROM \"" + show.measurement()
                + "\" WHERE time >= " + fromMillis + "ms and time <= " + toMillis + "ms GROUP BY \"" + key + "\"")) {
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
