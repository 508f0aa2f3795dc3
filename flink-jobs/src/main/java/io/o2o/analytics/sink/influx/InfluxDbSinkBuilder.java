package io.o2o.analytics.sink.influx;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of an {@link InfluxDbSink}. Setters only record; {@link #build()} checks everything and throws an
 * {@link IllegalArgumentException} whose message names the setting and the rejected value (never the token).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setter</th><th>default</th></tr>
 *   <tr><td>{@link #setUrl} (http/https)</td><td>required, unless {@link #setLineProtocolDirectory}</td></tr>
 *   <tr><td>{@link #setOrg}, {@link #setBucket}</td><td>required with a URL</td></tr>
 *   <tr><td>{@link #setToken}</td><td>empty: no {@code Authorization} header</td></tr>
 *   <tr><td>{@link #setBatchSize}</td><td>{@value #DEFAULT_BATCH_SIZE} points</td></tr>
 *   <tr><td>{@link #setFlushInterval}</td><td>1 s</td></tr>
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

    private String url;
    private String org;
    private String bucket;
    private String token = "";
    private String lineProtocolDirectory;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
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

    /** The API token; empty (the default) sends no {@code Authorization} header. Never logged. */
    public InfluxDbSinkBuilder setToken(String token) {
        this.token = token;
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
        check(maxRetries >= 0, "The maximum number of retries must be zero or more, got: " + maxRetries);
        check(isPositive(initialBackoff), "The initial backoff must be positive, got: " + initialBackoff);
        check(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
                "The maximum backoff (" + maxBackoff + ") must not be shorter than the initial backoff ("
                        + initialBackoff + ").");
        return new InfluxDbSink(
                transport,
                new InfluxDbSink.BatchSettings(
                        batchSize, flushInterval, new RetryPolicy(maxRetries, initialBackoff, maxBackoff)));
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
        check(token != null,
                "The InfluxDB token must not be null; leave it unset (empty) for a server without authentication.");
        check(isPositive(requestTimeout), "The request timeout must be positive, got: " + requestTimeout);
        return new InfluxDbClientTransport.Settings(url, org, bucket, token, requestTimeout, clientCustomizer);
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
