package io.o2o.analytics.influx.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reporter against a real HTTP server that records what it is sent, as InfluxDB's write endpoint would. */
class InfluxDbReporterTest {

    /** What the reporter POSTed: the request's path and query, its Authorization header and its body. */
    record Request(String uri, String authorization, String body) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private HttpServer server;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            boolean fail = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            byte[] answer = fail ? "{\"message\":\"engine: cache-max-memory-size exceeded\"}".getBytes() : new byte[0];
            exchange.sendResponseHeaders(fail ? 503 : 204, fail ? answer.length : -1);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void writesEveryKindOfMetricWithTheLogicalScopeAsMeasurementAndTheVariablesAsTags() {
        InfluxDbReporter reporter = open(Map.of("url", url + "/", "org", "o2o", "bucket", "o2o analytics"),
                Map.of("O2O_INFLUXDB_TOKEN", "secret-token"));
        MetricGroup job = new ScopedGroup("jobmanager.job", Map.of("<job_name>", "o2o-location-analytics",
                "<job_id>", "a1b2"));
        MetricGroup operator = new ScopedGroup("taskmanager.job.task.operator", Map.of("<operator_name>",
                "metrics: Writer", "<subtask_index>", "1", "<empty>", ""));
        SimpleCounter retries = new SimpleCounter();
        retries.inc(3);
        reporter.notifyOfAddedMetric(retries, "writeRetries", operator);
        reporter.notifyOfAddedMetric((Gauge<Long>) () -> 1234L, "lastCheckpointDuration", job);
        reporter.notifyOfAddedMetric((Gauge<Double>) () -> 0.25, "records-lag-max", operator);
        reporter.notifyOfAddedMetric((Gauge<Double>) () -> Double.NaN, "notYetKnown", operator);
        reporter.notifyOfAddedMetric((Gauge<String>) () -> "RUNNING", "state", job);
        MeterView meter = new MeterView(new SimpleCounter());
        meter.markEvent(7);
        reporter.notifyOfAddedMetric(meter, "numRecordsInPerSecond", operator);
        reporter.notifyOfAddedMetric(new TwoValues(10, 30), "checkpointStartDelayNanos", operator);

        reporter.report();

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.uri()).isEqualTo("/api/v2/write?org=o2o&bucket=o2o+analytics&precision=ms");
        assertThat(request.authorization()).isEqualTo("Token secret-token");
        List<String> lines = request.body().lines().map(line -> line.replaceAll(" \\d+$", "")).sorted().toList();
        assertThat(lines).containsExactly(
                "jobmanager_job_lastCheckpointDuration,job_id=a1b2,job_name=o2o-location-analytics value=1234i",
                "jobmanager_job_state,job_id=a1b2,job_name=o2o-location-analytics value=\"RUNNING\"",
                "taskmanager_job_task_operator_checkpointStartDelayNanos,operator_name=metrics:\\ Writer,"
                        + "subtask_index=1 run-count=5i,count=2i,min=10i,max=30i,mean=20.0,std-dev=10.0,"
                        + "50-percentile=10.0,75-percentile=30.0,95-percentile=30.0,98-percentile=30.0,"
                        + "99-percentile=30.0,999-percentile=30.0",
                "taskmanager_job_task_operator_numRecordsInPerSecond,operator_name=metrics:\\ Writer,subtask_index=1"
                        + " count=7i,rate=0.0",
                "taskmanager_job_task_operator_records-lag-max,operator_name=metrics:\\ Writer,subtask_index=1"
                        + " value=0.25",
                "taskmanager_job_task_operator_writeRetries,operator_name=metrics:\\ Writer,subtask_index=1 count=3i");
        // One timestamp for the whole report, in milliseconds.
        assertThat(request.body().lines().map(line -> line.replaceAll(".* ", "")).distinct()).hasSize(1)
                .allSatisfy(ts -> assertThat(Long.parseLong(ts)).isCloseTo(System.currentTimeMillis(),
                        org.assertj.core.data.Offset.offset(60_000L)));
    }

    @Test
    void aRemovedMetricIsReportedOnceWithItsLastValueThenNoMore() {
        InfluxDbReporter reporter = open(Map.of("url", url, "bucket", "b"), Map.of());
        MetricGroup group = new ScopedGroup("jobmanager.job", Map.of());
        AtomicInteger failed = new AtomicInteger(1);
        Gauge<Long> gauge = () -> (long) failed.get();
        reporter.notifyOfAddedMetric(gauge, "numberOfFailedCheckpoints", group);
        reporter.notifyOfAddedMetric(new SimpleCounter(), "other", group);
        failed.set(2);
        // The job ended between two reports: its final value must still be written.
        reporter.notifyOfRemovedMetric(gauge, "numberOfFailedCheckpoints", group);
        failed.set(3);
        reporter.report();
        reporter.report();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).body()).contains("jobmanager_job_numberOfFailedCheckpoints value=2i ")
                .contains("jobmanager_job_other count=0i ");
        assertThat(requests.get(0).authorization()).as("no token, no header").isNull();
        assertThat(requests.get(0).uri()).isEqualTo("/api/v2/write?bucket=b&precision=ms");
        assertThat(requests.get(1).body()).startsWith("jobmanager_job_other count=0i ").doesNotContain("Failed");
    }

    @Test
    void closingWritesWhatWasNotReportedYet() {
        InfluxDbReporter reporter = open(Map.of("url", url, "bucket", "b"), Map.of());
        MetricGroup group = new ScopedGroup("taskmanager.job.task.operator", Map.of());
        SimpleCounter retries = new SimpleCounter();
        reporter.notifyOfAddedMetric(retries, "writeRetries", group);
        retries.inc(4);
        reporter.notifyOfRemovedMetric(retries, "writeRetries", group);
        reporter.close();
        assertThat(requests).singleElement().extracting(Request::body).asString()
                .startsWith("taskmanager_job_task_operator_writeRetries count=4i ");
    }

    @Test
    void sendsLargeReportsInBatchesAndSurvivesAFailedWrite() {
        InfluxDbReporter reporter = open(Map.of("url", url, "bucket", "b", "batch-size", "2"), Map.of());
        MetricGroup group = new ScopedGroup("jobmanager.job", Map.of());
        for (int i = 0; i < 5; i++) {
            reporter.notifyOfAddedMetric(new SimpleCounter(), "c" + i, group);
        }
        failNext.set(1);
        reporter.report();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.body().lines().count()).containsExactlyInAnyOrder(2L, 2L, 1L);
        reporter.report();
        assertThat(requests).as("the next report writes everything again").hasSize(6);
    }

    @Test
    void theTokenComesFromTheTokenFileBeforeTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), " from-file\n");
        MetricGroup group = new ScopedGroup("jobmanager", Map.of());
        InfluxDbReporter fromFile = open(Map.of("url", url, "bucket", "b", "token-file", file.toString(),
                "token-env", "MY_TOKEN"), Map.of("MY_TOKEN", "from-env"));
        fromFile.notifyOfAddedMetric(new SimpleCounter(), "c", group);
        fromFile.report();
        InfluxDbReporter fromEnvironment =
                open(Map.of("url", url, "bucket", "b", "token-env", "MY_TOKEN"), Map.of("MY_TOKEN", "from-env"));
        fromEnvironment.notifyOfAddedMetric(new SimpleCounter(), "c", group);
        fromEnvironment.report();
        assertThat(requests).extracting(Request::authorization).containsExactly("Token from-file", "Token from-env");
    }

    @Test
    void badSettingsFailWithTheSettingsName() throws IOException {
        assertThatThrownBy(() -> open(Map.of("bucket", "b"), Map.of()))
                .hasMessage("InfluxDB reporter: set url (e.g. http://influxdb:8086)");
        assertThatThrownBy(() -> open(Map.of("url", "influxdb:8086", "bucket", "b"), Map.of()))
                .hasMessage("InfluxDB reporter: url must start with http:// or https://, was influxdb:8086");
        assertThatThrownBy(() -> open(Map.of("url", url), Map.of()))
                .hasMessage("InfluxDB reporter: set bucket");
        assertThatThrownBy(() -> open(Map.of("url", url, "bucket", "b", "batch-size", "0"), Map.of()))
                .hasMessage("InfluxDB reporter: batch-size must be at least 1, was 0");
        assertThatThrownBy(() -> open(Map.of("url", url, "bucket", "b", "timeout", "0 s"), Map.of()))
                .hasMessage("InfluxDB reporter: timeout must be positive, was PT0S");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> open(Map.of("url", url, "bucket", "b", "token-file", empty.toString()), Map.of()))
                .hasMessage("InfluxDB reporter: token-file " + empty + " is empty");
        assertThatThrownBy(() -> open(Map.of("url", url, "bucket", "b", "token-file", dir.resolve("none").toString()),
                Map.of()))
                .hasMessageStartingWith("InfluxDB reporter: cannot read token-file " + dir.resolve("none"));
    }

    @Test
    void theFactoryIsFoundAsAServiceAndMakesTheReporter() {
        assertThat(java.util.ServiceLoader.load(org.apache.flink.metrics.reporter.MetricReporterFactory.class))
                .anySatisfy(factory -> assertThat(factory.createMetricReporter(new java.util.Properties()))
                        .isInstanceOf(InfluxDbReporter.class));
    }

    private static InfluxDbReporter open(Map<String, String> settings, Map<String, String> environment) {
        InfluxDbReporter reporter = new InfluxDbReporter(environment::get);
        MetricConfig config = new MetricConfig();
        config.putAll(settings);
        reporter.open(config);
        return reporter;
    }

    /** A histogram that has seen five values and keeps the last two, a and b (a < b). */
    private record TwoValues(long a, long b) implements Histogram {
        @Override
        public void update(long value) {}

        @Override
        public long getCount() {
            return 5;
        }

        @Override
        public HistogramStatistics getStatistics() {
            return new HistogramStatistics() {
                @Override
                public double getQuantile(double quantile) {
                    return quantile <= 0.5 ? a : b;
                }

                @Override
                public long[] getValues() {
                    return new long[] {a, b};
                }

                @Override
                public int size() {
                    return 2;
                }

                @Override
                public double getMean() {
                    return (a + b) / 2.0;
                }

                @Override
                public double getStdDev() {
                    return (b - a) / 2.0;
                }

                @Override
                public long getMax() {
                    return b;
                }

                @Override
                public long getMin() {
                    return a;
                }
            };
        }
    }

    /** A metric group with a logical scope and variables, as Flink hands them to reporters. */
    private static final class ScopedGroup extends UnregisteredMetricsGroup implements LogicalScopeProvider {
        private final String scope;
        private final Map<String, String> variables;

        ScopedGroup(String scope, Map<String, String> variables) {
            this.scope = scope;
            this.variables = variables;
        }

        @Override
        public Map<String, String> getAllVariables() {
            return variables;
        }

        @Override
        public String getLogicalScope(CharacterFilter filter) {
            return getLogicalScope(filter, '.');
        }

        @Override
        public String getLogicalScope(CharacterFilter filter, char delimiter) {
            return String.join(String.valueOf(delimiter),
                    java.util.Arrays.stream(scope.split("\\.")).map(filter::filterCharacters).toList());
        }

        @Override
        public MetricGroup getWrappedMetricGroup() {
            return this;
        }
    }
}
