package io.o2o.analytics.influx.reporter;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The reporter's settings, under {@code metrics.reporter.<name>.} in Flink's configuration, e.g.
 *
 * <pre>
 * metrics.reporter.influx.factory.class: io.o2o.analytics.influx.reporter.InfluxDbReporterFactory
 * metrics.reporter.influx.interval: 10 s
 * metrics.reporter.influx.url: http://influxdb:8086
 * metrics.reporter.influx.org: o2o
 * metrics.reporter.influx.bucket: o2o_analytics
 * </pre>
 *
 * <p>The token is never a setting: it is read from a file ({@link #TOKEN_FILE}) or from an environment variable of
 * the JobManager and TaskManager processes ({@link #TOKEN_ENV}), so that it stays out of config.yaml, the web UI
 * (which shows the cluster configuration) and the logs.
 */
public final class InfluxDbReporterOptions {
    private InfluxDbReporterOptions() {}

    public static final ConfigOption<String> URL = ConfigOptions.key("url")
            .stringType()
            .noDefaultValue()
            .withDescription("InfluxDB base URL, e.g. http://influxdb:8086. The reporter writes to its v2 write "
                    + "endpoint, /api/v2/write, which InfluxDB 1.8+, 2.x and 3.x serve.");

    public static final ConfigOption<String> ORG = ConfigOptions.key("org")
            .stringType()
            .defaultValue("")
            .withDescription("InfluxDB organisation (2.x); 1.8+ and 3.x ignore it.");

    public static final ConfigOption<String> BUCKET = ConfigOptions.key("bucket")
            .stringType()
            .noDefaultValue()
            .withDescription("InfluxDB bucket; on 1.8+ the database, or database/retention-policy.");

    public static final ConfigOption<String> TOKEN_FILE = ConfigOptions.key("token-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the InfluxDB token (read once, at start). Wins over token-env.");

    public static final ConfigOption<String> TOKEN_ENV = ConfigOptions.key("token-env")
            .stringType()
            .defaultValue("O2O_INFLUXDB_TOKEN")
            .withDescription("Environment variable holding the InfluxDB token. Neither set: no Authorization "
                    + "header (an InfluxDB without authentication).");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Connect and request timeout of one write.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch-size")
            .intType()
            .defaultValue(5000)
            .withDescription("Most lines in one write request; a report with more is sent in several.");

    public static final List<ConfigOption<?>> ALL = List.of(URL, ORG, BUCKET, TOKEN_FILE, TOKEN_ENV, TIMEOUT, BATCH_SIZE);

    /** The validated settings: where to write, with which token. */
    record Settings(URI writeUri, Optional<String> token, Duration timeout, int batchSize) {
        @Override
        public String toString() {
            // Never the token itself.
            return "writes to " + writeUri + (token.isPresent() ? " with a token" : " without a token")
                    + ", timeout " + timeout + ", up to " + batchSize + " lines a request";
        }
    }

    /**
     * Reads and checks the settings. {@code environment} looks up environment variables ({@code System::getenv} in
     * production). Fails with a message naming the setting.
     */
    static Settings settings(Configuration config, Function<String, String> environment) {
        String url = config.getOptional(URL).map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() ->
                new IllegalArgumentException("InfluxDB reporter: set " + URL.key() + " (e.g. http://influxdb:8086)"));
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IllegalArgumentException("InfluxDB reporter: " + URL.key() + " must start with http:// or "
                    + "https://, was " + url);
        }
        String bucket = config.getOptional(BUCKET).map(String::trim).filter(s -> !s.isEmpty()).orElseThrow(() ->
                new IllegalArgumentException("InfluxDB reporter: set " + BUCKET.key()));
        Duration timeout = config.get(TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("InfluxDB reporter: " + TIMEOUT.key() + " must be positive, was "
                    + timeout);
        }
        int batchSize = config.get(BATCH_SIZE);
        if (batchSize < 1) {
            throw new IllegalArgumentException("InfluxDB reporter: " + BATCH_SIZE.key() + " must be at least 1, was "
                    + batchSize);
        }
        StringBuilder uri = new StringBuilder(url.replaceAll("/+$", "")).append("/api/v2/write?");
        String org = config.get(ORG).trim();
        if (!org.isEmpty()) {
            uri.append("org=").append(encode(org)).append('&');
        }
        uri.append("bucket=").append(encode(bucket)).append("&precision=ms");
        return new Settings(URI.create(uri.toString()), token(config, environment), timeout, batchSize);
    }

    private static Optional<String> token(Configuration config, Function<String, String> environment) {
        Optional<String> file = config.getOptional(TOKEN_FILE).map(String::trim).filter(s -> !s.isEmpty());
        if (file.isPresent()) {
            try {
                String token = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).trim();
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("InfluxDB reporter: " + TOKEN_FILE.key() + " " + file.get()
                            + " is empty");
                }
                return Optional.of(token);
            } catch (IOException e) {
                throw new IllegalArgumentException("InfluxDB reporter: cannot read " + TOKEN_FILE.key() + " "
                        + file.get() + ": " + e, e);
            }
        }
        String variable = config.get(TOKEN_ENV).trim();
        return variable.isEmpty()
                ? Optional.empty()
                : Optional.ofNullable(environment.apply(variable)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
