package io.o2o.analytics.sink.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Writes batches through influxdb-client-java's blocking v2 write API ({@code POST /api/v2/write}, millisecond
 * precision, the precision of {@code MetricPoint#toLineProtocol()}). Classifies failures for the writer:
 * 408, 429, 5xx and I/O errors are retryable, any other status is not.
 */
final class InfluxDbClientTransport implements PointTransport {

    private final InfluxDBClient client;
    private final WriteApiBlocking writeApi;
    private final Settings settings;

    /** Reads the token here, on the task manager, and keeps it only inside the client. */
    InfluxDbClientTransport(Settings settings, Optional<String> token) {
        this.settings = settings;
        Duration timeout = settings.requestTimeout();
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout);
        InfluxDBClientOptions.Builder options = InfluxDBClientOptions.builder()
                .url(settings.url())
                .org(settings.org())
                .bucket(settings.bucket())
                .precision(WritePrecision.MS)
                .okHttpClient(http);
        token.ifPresent(t -> options.authenticateToken(t.toCharArray()));
        if (settings.customizer() != null) {
            settings.customizer().customize(http, options);
        }
        this.client = InfluxDBClientFactory.create(options.build());
        this.writeApi = client.getWriteApiBlocking();
    }

    @Override
    public void write(List<String> lines) throws IOException {
        try {
            writeApi.writeRecords(settings.bucket(), settings.org(), WritePrecision.MS, lines);
        } catch (InfluxException e) {
            throw classify(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    static TransportException classify(InfluxException e) {
        int status = e.status();
        String serverMessage = serverMessage(e);
        if (status == 0) {
            if (hasIoCause(e)) {
                return TransportException.retryable("I/O error: " + rootMessage(e), 0, null, e);
            }
            return TransportException.fatal("client error: " + serverMessage, 0, e);
        }
        String message = "HTTP " + status + ": " + serverMessage;
        if (status == 408 || status == 429 || status >= 500) {
            return TransportException.retryable(message, status, retryAfter(e.headers()), e);
        }
        return TransportException.fatal(message, status, e);
    }

    /**
     * What the server said: the {@code message} (InfluxDB 2/3) or {@code error} (InfluxDB 1.x) of its JSON body,
     * else the client's own text without its "HTTP status code: N; Message: " prefix (the status is added again).
     */
    private static String serverMessage(InfluxException e) {
        Map<String, Object> body = e.errorBody();
        if (body != null) {
            for (String key : new String[] {"message", "error"}) {
                Object text = body.get(key);
                if (text instanceof String s && !s.isBlank()) {
                    return s;
                }
            }
        }
        String message = String.valueOf(e.getMessage());
        int cut = message.startsWith("HTTP status code:") ? message.indexOf("; Message: ") : -1;
        return cut < 0 ? message : message.substring(cut + "; Message: ".length());
    }

    /** {@code Retry-After} as seconds or as an HTTP date, whatever the header name's case; null when absent. */
    static Duration retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                return parseRetryAfter(header.getValue().trim());
            }
        }
        return null;
    }

    static Duration parseRetryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** The connection settings: where the token is, never the token (they travel in the job graph). */
    record Settings(
            String url,
            String org,
            String bucket,
            InfluxTokenSource token,
            Duration requestTimeout,
            InfluxClientCustomizer customizer)
            implements PointTransportFactory {

        Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(org, "org");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }

        @Override
        public PointTransport open(int subtaskIndex) throws IOException {
            return new InfluxDbClientTransport(this, token.read(System::getenv));
        }

        @Override
        public String describe() {
            return "InfluxDB " + url + " (org '" + org + "', bucket '" + bucket + "')";
        }

        @Override
        public String toString() {
            return "InfluxDbConnection{url=" + url + ", org=" + org + ", bucket=" + bucket
                    + ", " + token.describe() + ", requestTimeout=" + requestTimeout
                    + ", customizer=" + (customizer == null ? "none" : customizer.getClass().getName()) + '}';
        }
    }
}
