package io.o2o.analytics.sink.influx;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of an {@link InfluxDbSink}. Setters only record; {@link #build()} checks everything and throws an
 * {@link IllegalArgumentException} whose message names the setting and the rejected value.
 *
 * <p>The token is not a setting: the sink is part of the job graph, which the JobManager keeps in its blob and HA
 * storage. The sink carries where each writer finds the token on its task manager, a file
 * ({@link #setTokenFile}) or an environment variable ({@link #setTokenEnvironmentVariable}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setter</th><th>default</th></tr>
 *   <tr><td>{@link #setUrl} (http/https)</td><td>required, unless {@link #setLineProtocolDirectory}</td></tr>
 *   <tr><td>{@link #setOrg}, {@link #setBucket}</td><td>required with a URL</td></tr>
 *   <tr><td>{@link #setTokenEnvironmentVariable}</td><td>{@value #DEFAULT_TOKEN_ENVIRONMENT_VARIABLE}; unset or
 *   empty on the task manager: no {@code Authorization} header</td></tr>
 *   <tr><td>{@link #setTokenFile}</td><td>none; wins over the variable</td></tr>
 *   <tr><td>{@link #setBatchSize}</td><td>{@value #DEFAULT_BATCH_SIZE} points</td></tr>
 *   <tr><td>{@link #setFlushInterval}</td><td>1 s</td></tr>
 *   <tr><td>{@link #setMaxBufferedPoints}</td><td>{@value #DEFAULT_MAX_BUFFERED_POINTS} points</td></tr>
 *   <tr><td>{@link #setMaxRetries}</td><td>{@value #DEFAULT_MAX_RETRIES}</td></tr>
 *   <tr><td>{@link #setInitialBackoff}, doubling up to {@link #setMaxBackoff}</td><td>200 ms, 10 s</td></tr>
 *   <tr><td>{@link #setRequestTimeout}</td><td>10 s</td></tr>
 *   <tr><td>{@link #setClientCustomizer}</td><td>none</td></tr>
 * </table>
 */
public final class InfluxDbSinkBuilder {

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_RETRIES = 8;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_BUFFERED_POINTS = 50_000;
    public static final String DEFAULT_TOKEN_ENVIRONMENT_VARIABLE = "O2O_INFLUXDB_TOKEN";

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private String url;
    private String org;
    private String bucket;
    private String tokenEnvironmentVariable = DEFAULT_TOKEN_ENVIRONMENT_VARIABLE;
    private String tokenFile;
    private String lineProtocolDirectory;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private int maxBufferedPoints = DEFAULT_MAX_BUFFERED_POINTS;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private InfluxClientCustomizer clientCustomizer;

    InfluxDbSinkBuilder() {}

    /** The server, e.g. {@code http://influxdb:8086}. */
    public InfluxDbSinkBuilder setUrl(String url) {
        this.url = url;
        return this;
    }

    /** The organization (InfluxDB 2.x/3.x; ignored by a 1.8+ server's /api/v2/write alias). */
    public InfluxDbSinkBuilder setOrg(String org) {
        this.org = org;
        return this;
    }

    /** The bucket (on InfluxDB 1.8+: {@code database/retention-policy} or just {@code database}). */
    public InfluxDbSinkBuilder setBucket(String bucket) {
        this.bucket = bucket;
        return this;
    }

    /**
     * The environment variable of the task managers that holds the API token, read by each writer when it opens;
     * empty reads none. When the variable is unset or empty there, requests carry no {@code Authorization} header.
     */
    public InfluxDbSinkBuilder setTokenEnvironmentVariable(String name) {
        this.tokenEnvironmentVariable = name;
        return this;
    }

    /**
     * A file on the task managers (a mounted secret) holding the API token, read by each writer when it opens; wins
     * over the environment variable. A missing or empty file fails the writer.
     */
    public InfluxDbSinkBuilder setTokenFile(Path file) {
        this.tokenFile = file == null ? null : file.toString();
        return this;
    }

    /**
     * Writes line protocol to {@code <directory>/metrics-<subtask>.lp} instead of an InfluxDB server (one file per
     * parallel writer), with the same batching, flushing and metrics. Excludes {@link #setUrl}.
     */
    public InfluxDbSinkBuilder setLineProtocolDirectory(Path directory) {
        this.lineProtocolDirectory = directory == null ? null : directory.toString();
        return this;
    }

    /** Points per write request; a full batch is sent at once. */
    public InfluxDbSinkBuilder setBatchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /** Longest time a point waits in a partial batch (processing time). */
    public InfluxDbSinkBuilder setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
        return this;
    }

    /**
     * Most points a writer holds that are not yet stored (in the batch being filled, waiting or in flight, retries
     * included); when it holds that many, it stops taking records until a batch is stored. They are part of every
     * checkpoint of the writer.
     */
    public InfluxDbSinkBuilder setMaxBufferedPoints(int maxBufferedPoints) {
        this.maxBufferedPoints = maxBufferedPoints;
        return this;
    }

    /** Retries of one batch after its first attempt, before the job fails; 0 fails on the first error. */
    public InfluxDbSinkBuilder setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        return this;
    }

    /** Wait before the first retry; it doubles on every further retry. */
    public InfluxDbSinkBuilder setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
        return this;
    }

    /** Cap on the doubling wait. */
    public InfluxDbSinkBuilder setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
        return this;
    }

    /** Connect, read and write time-out of one HTTP request; a time-out is retried. */
    public InfluxDbSinkBuilder setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        return this;
    }

    /** Adjusts the HTTP client and client options before the writer creates the client; serializable. */
    public InfluxDbSinkBuilder setClientCustomizer(InfluxClientCustomizer clientCustomizer) {
        this.clientCustomizer = clientCustomizer;
        return this;
    }

    /** Checks the settings and makes the sink. */
    public InfluxDbSink build() {
        PointTransportFactory transport = lineProtocolDirectory != null ? fileTransport() : influxTransport();
        check(batchSize >= 1, "The batch size must be at least 1, got: " + batchSize);
        check(isPositive(flushInterval) && flushInterval.toMillis() >= 1,
                "The flush interval must be at least 1 ms, got: " + flushInterval);
        check(maxBufferedPoints >= batchSize, "The maximum of buffered points (" + maxBufferedPoints
                + ") must not be smaller than the batch size (" + batchSize + ").");
        check(maxRetries >= 0, "The maximum number of retries must be zero or more, got: " + maxRetries);
        check(isPositive(initialBackoff), "The initial backoff must be positive, got: " + initialBackoff);
        check(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
                "The maximum backoff (" + maxBackoff + ") must not be shorter than the initial backoff ("
                        + initialBackoff + ").");
        return new InfluxDbSink(
                transport,
                new InfluxDbSink.BatchSettings(batchSize, flushInterval, maxBufferedPoints,
                        new RetryPolicy(maxRetries, initialBackoff, maxBackoff)));
    }

    private PointTransportFactory fileTransport() {
        check(url == null, "Set either an InfluxDB URL or a line-protocol directory, not both.");
        check(!lineProtocolDirectory.isBlank(), "The line-protocol directory must not be blank.");
        return new LineProtocolFileTransport.Settings(lineProtocolDirectory);
    }

    private PointTransportFactory influxTransport() {
        check(url != null && !url.isBlank(),
                "The InfluxDB URL is required: call setUrl(...), or setLineProtocolDirectory(...) to write files.");
        check(isHttpUrl(url), "The InfluxDB URL must be an http:// or https:// URL with a host, got: " + url);
        check(org != null && !org.isBlank(), "The InfluxDB organization is required: call setOrg(...).");
        check(bucket != null && !bucket.isBlank(), "The InfluxDB bucket is required: call setBucket(...).");
        check(tokenEnvironmentVariable != null
                        && (tokenEnvironmentVariable.isEmpty() || VARIABLE_NAME.matcher(tokenEnvironmentVariable).matches()),
                "The token environment variable must be a name of letters, digits and underscores (or empty for "
                        + "none), got: " + tokenEnvironmentVariable);
        check(tokenFile == null || !tokenFile.isBlank(), "The token file must not be blank.");
        check(isPositive(requestTimeout), "The request timeout must be positive, got: " + requestTimeout);
        return new InfluxDbClientTransport.Settings(url, org, bucket,
                new InfluxTokenSource(tokenEnvironmentVariable, tokenFile), requestTimeout, clientCustomizer);
    }

    private static boolean isHttpUrl(String candidate) {
        try {
            URI uri = new URI(candidate);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
