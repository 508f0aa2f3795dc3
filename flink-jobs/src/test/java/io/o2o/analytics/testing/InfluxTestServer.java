package io.o2o.analytics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.sink.influx.InfluxClientCustomizer;
import io.o2o.analytics.sink.influx.InfluxDbSink;
import io.o2o.analytics.sink.influx.InfluxDbSinkBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real InfluxDB server of the integration tests, started by {@code scripts/influxdb.sh start} and found through
 * {@value #URL_ENV}. A missing variable or a silent server fails the test (never skips it): tests that assert what a
 * job wrote must not pass by not running.
 *
 * <pre>{@code
 * InfluxTestServer influx = InfluxTestServer.fromEnvironment();
 * String db = influx.createDatabase("visits");
 * stream.sinkTo(influx.sinkBuilder(db).build());
 * ...
 * List<Map<String, Object>> rows = influx.query(db, "SELECT count(visitors) FROM store_traffic GROUP BY store");
 * }</pre>
 *
 * <p>The server is InfluxDB 1.6: the database doubles as the v2 bucket, and the production client reaches it
 * through {@link #v1WriteCompat()}.
 */
public final class InfluxTestServer {

    public static final String URL_ENV = "O2O_TEST_INFLUX_URL";
    /** The org the tests pass to the sink; InfluxDB 1.x ignores it. */
    public static final String ORG = "o2o";

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http;

    private InfluxTestServer(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The server named by {@value #URL_ENV}; fails with instructions when it is unset or does not answer. */
    public static InfluxTestServer fromEnvironment() {
        String url = System.getenv(URL_ENV);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(URL_ENV + " is not set. The integration tests need the real InfluxDB "
                    + "test server: run the test command from the README (it starts scripts/influxdb.sh and "
                    + "exports the variables), or run `scripts/influxdb.sh start` and "
                    + "`export " + URL_ENV + "=http://127.0.0.1:18086` yourself.");
        }
        InfluxTestServer server = new InfluxTestServer(url.trim());
        server.ping();
        return server;
    }

    public String url() {
        return url;
    }

    /** A serializable client customizer that maps the v2 write path onto 1.x {@code /write}. */
    public static InfluxClientCustomizer v1WriteCompat() {
        return new InfluxV1WriteCompat();
    }

    /** A sink builder aimed at {@code database}, with the 1.x write mapping; add batching settings and build. */
    public InfluxDbSinkBuilder sinkBuilder(String database) {
        return InfluxDbSink.builder()
                .setUrl(url)
                .setOrg(ORG)
                .setBucket(database)
                .setClientCustomizer(v1WriteCompat());
    }

    /** Creates a database with a fresh name that starts with {@code prefix} (letters, digits, underscores). */
    public String createDatabase(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String name = "it_" + clean + "_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() % 100_000
                + "_" + DATABASE_COUNTER.incrementAndGet();
        execute(null, "CREATE DATABASE \"" + name + "\"");
        return name;
    }

    public void dropDatabase(String database) {
        execute(null, "DROP DATABASE \"" + database + "\"");
    }

    /**
     * Runs one InfluxQL statement against {@code database} and returns its rows, oldest first: each row maps the
     * column names (times as epoch milliseconds under {@code time}) to values ({@link Long}, {@link Double},
     * {@link Boolean}, {@link String} or null) plus, for {@code GROUP BY} queries, the group's tags as strings.
     * An error reported by the server fails with its message.
     */
    public List<Map<String, Object>> query(String database, String influxQl) {
        JsonNode result = execute(database, influxQl);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode series : result.path("series")) {
            List<String> columns = new ArrayList<>();
            series.path("columns").forEach(c -> columns.add(c.asText()));
            for (JsonNode values : series.path("values")) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> tag : series.path("tags").properties()) {
                    row.put(tag.getKey(), tag.getValue().asText());
                }
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), scalar(values.get(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The single number a query like {@code SELECT count(x) FROM m} returns, or 0 when it returns no row. */
    public long queryLong(String database, String influxQl) {
        List<Map<String, Object>> rows = query(database, influxQl);
        if (rows.isEmpty()) {
            return 0;
        }
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from `" + influxQl + "`, got " + rows);
        }
        Object value = rows.get(0).entrySet().stream()
                .filter(e -> !e.getKey().equals("time"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no value column in " + rows.get(0)));
        return ((Number) value).longValue();
    }

    private void ping() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("InfluxDB at " + url + " answered /ping with HTTP "
                        + response.statusCode() + "; is " + URL_ENV + " right?");
            }
        } catch (IOException e) {
            throw new IllegalStateException("InfluxDB at " + url + " (" + URL_ENV + ") does not answer /ping: "
                    + e + ". Start it with `scripts/influxdb.sh start`.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pinging " + url, e);
        }
    }

    /** POSTs one statement to /query and returns its result object, failing on any error. */
    private JsonNode execute(String database, String influxQl) {
        StringBuilder form = new StringBuilder("epoch=ms&q=").append(encode(influxQl));
        if (database != null) {
            form.append("&db=").append(encode(database));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/query"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("InfluxQL `" + influxQl + "` failed with HTTP " + response.statusCode()
                        + ": " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            if (body.hasNonNull("error")) {
                throw new AssertionError("InfluxQL `" + influxQl + "` failed: " + body.get("error").asText());
            }
            JsonNode result = body.path("results").path(0);
            if (result.hasNonNull("error")) {
                throw new AssertionError("InfluxQL `" + influxQl + "` failed: " + result.get("error").asText());
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("InfluxQL `" + influxQl + "` could not reach " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during InfluxQL `" + influxQl + "`", e);
        }
    }

    private static Object scalar(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.asText();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
