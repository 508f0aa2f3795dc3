import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only HTTP proxy for scripts/cluster-submission-test.sh, run with Java's single-file launcher (JDK only):
 * {@code java InfluxV2WriteProxy.java http://127.0.0.1:8086 PORT_FILE}. It lets the job's production InfluxDB
 * client, which writes to the v2 endpoint, write into InfluxDB 1.6 (Debian's package), which lacks the
 * {@code /api/v2/write} alias that arrived in 1.8:
 *
 * <pre>
 *   POST /api/v2/write?org=O&amp;bucket=DB[/RP]&amp;precision=P   ->   POST /write?db=DB[&amp;rp=RP]&amp;precision=P'
 * </pre>
 *
 * with the 1.x spelling of the precision ({@code ns} is {@code n}, {@code us} is {@code u}); the same mapping as
 * the integration tests' {@code InfluxV1WriteCompat}. Every other request is forwarded unchanged. It listens on
 * a free port of 127.0.0.1 and writes that port to PORT_FILE once it accepts connections. Against InfluxDB 1.8+
 * or 2.x the job needs no proxy.
 */
public final class InfluxV2WriteProxy {
    /** Headers that java.net.http sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

    private static final AtomicLong WRITES = new AtomicLong();
    private static final AtomicLong FAILED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java InfluxV2WriteProxy.java TARGET_URL PORT_FILE");
            System.exit(2);
        }
        URI target = URI.create(args[0].replaceAll("/+$", ""));
        Path portFile = Path.of(args[1]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try {
                forward(client, target, exchange);
            } catch (Exception e) {
                FAILED.incrementAndGet();
                log("ERROR " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + e);
                try {
                    exchange.sendResponseHeaders(502, -1);
                } catch (IOException ignored) {
                    // the response was already started
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        Path tmp = Path.of(portFile + ".tmp");
        Files.writeString(tmp, Integer.toString(port));
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log("listening on 127.0.0.1:" + port + ", forwarding to " + target + " (v2 writes as 1.x writes)");
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                log("stopping after " + WRITES.get() + " v2 writes (" + FAILED.get() + " failed requests)")));
    }

    private static void forward(HttpClient client, URI target, HttpExchange exchange) throws Exception {
        URI incoming = exchange.getRequestURI();
        String path = incoming.getRawPath();
        boolean v2Write = path.endsWith("/api/v2/write");
        String query = v2Write ? v1WriteQuery(incoming.getRawQuery()) : incoming.getRawQuery();
        String targetPath = v2Write ? path.substring(0, path.length() - "/api/v2/write".length()) + "/write" : path;
        URI uri = URI.create(target + targetPath + (query == null || query.isEmpty() ? "" : "?" + query));

        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (v2Write) {
            WRITES.incrementAndGet();
            if (response.statusCode() >= 300) {
                log("write " + incoming + " -> " + uri + ": HTTP " + response.statusCode() + " "
                        + new String(response.body(), StandardCharsets.UTF_8).strip());
            }
        }
        response.headers().map().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        byte[] responseBody = response.body();
        boolean empty = responseBody.length == 0 || response.statusCode() == 204 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : responseBody.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(responseBody);
            }
        }
    }

    /** {@code org=O&bucket=DB[/RP]&precision=P} as {@code db=DB[&rp=RP]&precision=P'}. */
    static String v1WriteQuery(String rawQuery) {
        Map<String, String> v2 = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                v2.put(key, value);
            }
        }
        String bucket = v2.get("bucket");
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("a v2 write without a bucket: " + rawQuery);
        }
        int slash = bucket.indexOf('/');
        StringBuilder v1 = new StringBuilder("db=").append(encode(slash < 0 ? bucket : bucket.substring(0, slash)));
        if (slash >= 0 && slash < bucket.length() - 1) {
            v1.append("&rp=").append(encode(bucket.substring(slash + 1)));
        }
        String precision = v2.get("precision");
        if (precision != null) {
            v1.append("&precision=").append(switch (precision) {
                case "ns" -> "n";
                case "us" -> "u";
                default -> encode(precision);
            });
        }
        return v1.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " InfluxV2WriteProxy: " + message);
    }
}
