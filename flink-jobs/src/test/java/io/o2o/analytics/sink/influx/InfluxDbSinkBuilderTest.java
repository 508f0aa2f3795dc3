package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The builder checks every setting in build() with a message that names it; these are the exact messages. */
class InfluxDbSinkBuilderTest {

    private static InfluxDbSinkBuilder valid() {
        return InfluxDbSink.builder().setUrl("http://influxdb:8086").setOrg("o2o").setBucket("store_ops");
    }

    private static void assertRejected(UnaryOperator<InfluxDbSinkBuilder> change, String message) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void defaults() {
        InfluxDbSink sink = valid().build();

        assertThat(sink.batchSettings()).isEqualTo(new InfluxDbSink.BatchSettings(1000, Duration.ofSeconds(1),
                50_000, new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(10))));
        assertThat(sink.transportFactory()).isEqualTo(new InfluxDbClientTransport.Settings("http://influxdb:8086",
                "o2o", "store_ops", new InfluxTokenSource("O2O_INFLUXDB_TOKEN", null), Duration.ofSeconds(10), null));
        assertThat(sink.describe()).isEqualTo("InfluxDB http://influxdb:8086 (org 'o2o', bucket 'store_ops')");
    }

    @Test
    void everySettingIsKept() {
        InfluxDbSink sink = valid()
                .setTokenEnvironmentVariable("INFLUX_WRITE_TOKEN")
                .setTokenFile(Path.of("/run/secrets/influxdb-token"))
                .setBatchSize(500)
                .setMaxBufferedPoints(2000)
                .setFlushInterval(Duration.ofMillis(250))
                .setMaxRetries(3)
                .setInitialBackoff(Duration.ofMillis(50))
                .setMaxBackoff(Duration.ofSeconds(2))
                .setRequestTimeout(Duration.ofSeconds(5))
                .build();

        assertThat(sink.batchSettings()).isEqualTo(new InfluxDbSink.BatchSettings(500, Duration.ofMillis(250),
                2000, new RetryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(2))));
        assertThat(sink.transportFactory()).isEqualTo(new InfluxDbClientTransport.Settings("http://influxdb:8086",
                "o2o", "store_ops", new InfluxTokenSource("INFLUX_WRITE_TOKEN", "/run/secrets/influxdb-token"),
                Duration.ofSeconds(5), null));
    }

    @Test
    void requiredSettings() {
        assertThatThrownBy(() -> InfluxDbSink.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The InfluxDB URL is required: call setUrl(...), or setLineProtocolDirectory(...) to "
                        + "write files.");
        assertRejected(b -> b.setUrl(" "),
                "The InfluxDB URL is required: call setUrl(...), or setLineProtocolDirectory(...) to write files.");
        assertRejected(b -> b.setOrg(null), "The InfluxDB organization is required: call setOrg(...).");
        assertRejected(b -> b.setOrg(""), "The InfluxDB organization is required: call setOrg(...).");
        assertRejected(b -> b.setBucket(null), "The InfluxDB bucket is required: call setBucket(...).");
        assertRejected(b -> b.setTokenEnvironmentVariable(null),
                "The token environment variable must be a name of letters, digits and underscores (or empty for "
                        + "none), got: null");
        assertRejected(b -> b.setTokenEnvironmentVariable("$O2O_INFLUXDB_TOKEN"),
                "The token environment variable must be a name of letters, digits and underscores (or empty for "
                        + "none), got: $O2O_INFLUXDB_TOKEN");
        assertRejected(b -> b.setTokenFile(Path.of(" ")), "The token file must not be blank.");
        assertThat(valid().setTokenEnvironmentVariable("").build().transportFactory())
                .isEqualTo(new InfluxDbClientTransport.Settings("http://influxdb:8086", "o2o", "store_ops",
                        new InfluxTokenSource("", null), Duration.ofSeconds(10), null));
    }

    @Test
    void theUrlMustBeHttpOrHttpsWithAHost() {
        assertRejected(b -> b.setUrl("influxdb:8086"),
                "The InfluxDB URL must be an http:// or https:// URL with a host, got: influxdb:8086");
        assertRejected(b -> b.setUrl("ftp://influxdb:8086"),
                "The InfluxDB URL must be an http:// or https:// URL with a host, got: ftp://influxdb:8086");
        assertRejected(b -> b.setUrl("http://"),
                "The InfluxDB URL must be an http:// or https:// URL with a host, got: http://");
        assertThat(valid().setUrl("https://eu-central-1.aws.cloud2.influxdata.com").build()).isNotNull();
    }

    @Test
    void numbersAndDurationsMustBeInRange() {
        assertRejected(b -> b.setBatchSize(0), "The batch size must be at least 1, got: 0");
        assertRejected(b -> b.setFlushInterval(Duration.ZERO), "The flush interval must be at least 1 ms, got: PT0S");
        assertRejected(b -> b.setFlushInterval(Duration.ofNanos(1000)),
                "The flush interval must be at least 1 ms, got: PT0.000001S");
        assertRejected(b -> b.setFlushInterval(null), "The flush interval must be at least 1 ms, got: null");
        assertRejected(b -> b.setBatchSize(500).setMaxBufferedPoints(499),
                "The maximum of buffered points (499) must not be smaller than the batch size (500).");
        assertRejected(b -> b.setMaxRetries(-1), "The maximum number of retries must be zero or more, got: -1");
        assertRejected(b -> b.setInitialBackoff(Duration.ofMillis(-5)),
                "The initial backoff must be positive, got: PT-0.005S");
        assertRejected(b -> b.setInitialBackoff(Duration.ofSeconds(1)).setMaxBackoff(Duration.ofMillis(500)),
                "The maximum backoff (PT0.5S) must not be shorter than the initial backoff (PT1S).");
        assertRejected(b -> b.setRequestTimeout(Duration.ZERO), "The request timeout must be positive, got: PT0S");
        assertThat(valid().setMaxRetries(0).build().batchSettings().retryPolicy().maxRetries()).isZero();
    }

    @Test
    void theLineProtocolDirectoryReplacesTheServer() {
        InfluxDbSink sink = InfluxDbSink.builder().setLineProtocolDirectory(Path.of("/tmp/o2o-metrics")).build();

        assertThat(sink.transportFactory()).isEqualTo(new LineProtocolFileTransport.Settings("/tmp/o2o-metrics"));
        assertThat(sink.describe()).isEqualTo("line-protocol files /tmp/o2o-metrics/metrics-<subtask>.lp");
        assertRejected(b -> b.setLineProtocolDirectory(Path.of("/tmp/o2o-metrics")),
                "Set either an InfluxDB URL or a line-protocol directory, not both.");
    }

    @Test
    void theSinkIsSerializableWithItsCustomizerAndCarriesWhereTheTokenIsNotTheToken() throws Exception {
        InfluxClientCustomizer customizer =
                (http, options) -> http.addInterceptor(chain -> chain.proceed(chain.request()));
        InfluxDbSink sink = valid().setTokenFile(Path.of("/run/secrets/influxdb-token"))
                .setClientCustomizer(customizer).build();

        InfluxDbSink copy = roundTrip(sink);

        assertThat(copy.batchSettings()).isEqualTo(sink.batchSettings());
        assertThat(copy.describe()).isEqualTo(sink.describe());
        assertThat(((InfluxDbClientTransport.Settings) copy.transportFactory()).customizer()).isNotNull();
        assertThat(((InfluxDbClientTransport.Settings) copy.transportFactory()).token())
                .isEqualTo(new InfluxTokenSource("O2O_INFLUXDB_TOKEN", "/run/secrets/influxdb-token"));
        assertThat(sink.toString()).contains("token file /run/secrets/influxdb-token");
    }

    private static InfluxDbSink roundTrip(InfluxDbSink sink) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sink);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (InfluxDbSink) in.readObject();
        }
    }
}
