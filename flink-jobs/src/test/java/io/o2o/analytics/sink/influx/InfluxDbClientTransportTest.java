package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The InfluxDB client transport against a scripted HTTP server on loopback: what it sends, and how it classifies
 * the answers (the real influxdb-client-java, only the server is a stub).
 */
class InfluxDbClientTransportTest {

    private HttpServer server;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();

    private record Answer(int status, String body, Map<String, String> headers) {}

    private record Request(String method, String pathAndQuery, String authorization, String body) {}

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(body, StandardCharsets.UTF_8)));
            }
            Answer answer = answers.isEmpty() ? new Answer(204, "", Map.of()) : answers.poll();
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            if (!answer.body().isEmpty()) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private InfluxDbClientTransport transport(String token) {
        return new InfluxDbClientTransport(settings(new InfluxTokenSource("", null)),
                token.isEmpty() ? Optional.empty() : Optional.of(token));
    }

    private InfluxDbClientTransport.Settings settings(InfluxTokenSource token) {
        return new InfluxDbClientTransport.Settings(url(), "o2o", "store_ops", token, Duration.ofSeconds(5), null);
    }

    private static String json(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }

    @Test
    void postsTheLinesToTheV2WriteApiWithMillisecondPrecisionAndTheToken() throws Exception {
        try (InfluxDbClientTransport transport = transport("s3cret")) {
            transport.write(List.of("store_traffic,store=s-1 visitors=3i 1700000000000",
                    "store_traffic,store=s-2 visitors=4i 1700000000001"));
        }

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo("/api/v2/write?org=o2o&bucket=store_ops&precision=ms");
        assertThat(request.authorization()).isEqualTo("Token s3cret");
        assertThat(request.body()).isEqualTo(
                "store_traffic,store=s-1 visitors=3i 1700000000000\nstore_traffic,store=s-2 visitors=4i 1700000000001");
    }

    @Test
    void theTransportReadsTheTokenFromItsFileWhenItOpensOnTheTaskManager(@TempDir Path secrets) throws Exception {
        Path file = Files.writeString(secrets.resolve("influxdb-token"), "file-t0ken\n");
        InfluxDbClientTransport.Settings settings = settings(new InfluxTokenSource("O2O_NO_SUCH_VARIABLE", file.toString()));
        Files.writeString(file, "rotated-t0ken\n");

        try (PointTransport transport = settings.open(0)) {
            transport.write(List.of("m f=1i 1"));
        }

        assertThat(requests.get(0).authorization()).isEqualTo("Token rotated-t0ken");
        assertThat(settings.toString()).contains("token file " + file).doesNotContain("t0ken\n");
    }

    @Test
    void aMissingTokenFileFailsTheWriterWithItsPath(@TempDir Path secrets) {
        Path file = secrets.resolve("absent");

        assertThatThrownBy(() -> settings(new InfluxTokenSource("", file.toString())).open(0))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("InfluxDB sink: cannot read the token file " + file + " on this task manager: ");
    }

    @Test
    void anEmptyTokenSendsNoAuthorizationHeader() throws Exception {
        try (InfluxDbClientTransport transport = transport("")) {
            transport.write(List.of("m f=1i 1"));
        }

        assertThat(requests.get(0).authorization()).isNull();
    }

    @Test
    void serverErrorsAndThrottlingAreRetryableAndCarryRetryAfter() throws Exception {
        answers.add(new Answer(503, json("unavailable", "service unavailable"), Map.of("Retry-After", "7")));
        answers.add(new Answer(429, json("too many requests", "slow down"), Map.of()));
        answers.add(new Answer(500, json("internal error", "boom"), Map.of()));

        try (InfluxDbClientTransport transport = transport("")) {
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                        assertThat(e).hasMessage("HTTP 503: service unavailable");
                    });
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.retryAfter()).isEmpty();
                    });
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isRetryable()).isTrue());
        }
    }

    @Test
    void unauthorizedAndBadRequestsAreFatalWithTheServersMessage() throws Exception {
        answers.add(new Answer(401, json("unauthorized", "unauthorized access"), Map.of()));
        answers.add(new Answer(400, json("invalid", "partial write: unable to parse 'm f=': missing field value"),
                Map.of()));
        answers.add(new Answer(404, json("not found", "bucket \\\"store_ops\\\" not found"), Map.of()));

        try (InfluxDbClientTransport transport = transport("wrong")) {
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e).hasMessage("HTTP 401: unauthorized access");
                    });
            assertThatThrownBy(() -> transport.write(List.of("m f=")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e).hasMessage(
                                "HTTP 400: partial write: unable to parse 'm f=': missing field value");
                    });
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e).hasMessage("HTTP 404: bucket \"store_ops\" not found");
                    });
        }
    }

    @Test
    void aServerThatIsNotThereIsAnIoErrorAndRetryable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        InfluxDbClientTransport transport = new InfluxDbClientTransport(new InfluxDbClientTransport.Settings(
                "http://127.0.0.1:" + closedPort, "o2o", "store_ops", new InfluxTokenSource("", null),
                Duration.ofSeconds(2), null), Optional.empty());

        try (transport) {
            assertThatThrownBy(() -> transport.write(List.of("m f=1i 1")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.statusCode()).isZero();
                        assertThat(e.getMessage()).startsWith("I/O error: ConnectException");
                    });
        }
    }

    @Test
    void theWholeSinkRidesOutAnOutageWithoutLosingAPoint() throws Exception {
        // (No "Retry-After: 0" here: OkHttp itself repeats a 503 that says so, once, before the sink sees it.)
        answers.add(new Answer(503, json("unavailable", "restarting"), Map.of()));
        answers.add(new Answer(502, "", Map.of()));
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        InfluxDbSink sink = InfluxDbSink.builder()
                .setUrl(url()).setOrg("o2o").setBucket("store_ops")
                .setBatchSize(10).setInitialBackoff(Duration.ofMillis(10))
                .build();
        InfluxDbClientTransport transport = (InfluxDbClientTransport) sink.transportFactory().open(0);
        ManualWriteExecutor writes = new ManualWriteExecutor();
        BatchingPointWriter writer = new BatchingPointWriter(transport, sink.describe(), sink.batchSettings(),
                new ManualProcessingTimeService(), new ManualMailbox(writes), metrics, writes);

        for (int i = 0; i < 25; i++) {
            writer.write(io.o2o.analytics.metrics.MetricPoint.of(
                    "store_traffic", Map.of("store", "s-1"), Map.of("visitors", (long) i), 1_000L + i), null);
        }
        writer.flush(true);
        writer.close();

        List<String> stored = requests.stream()
                .skip(2) // the two refused attempts
                .flatMap(r -> r.body().lines())
                .toList();
        assertThat(stored).hasSize(25).doesNotHaveDuplicates();
        assertThat(metrics.count("writeRetries")).isEqualTo(2);
        assertThat(metrics.count("pointsWritten")).isEqualTo(25);
        assertThat(metrics.count("batchesWritten")).isEqualTo(3);
        assertThat(writes.backoffs).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }
}
