package io.o2o.analytics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cluster test's v2-to-1.x write proxy ({@code scripts/flink-cluster/InfluxV2WriteProxy.java}), run as a child
 * process for tests whose InfluxDB client cannot take {@link InfluxV1WriteCompat}'s interceptor: the Flink metric
 * reporter, which Flink creates from configuration strings. It listens on a free port of 127.0.0.1 and forwards
 * {@code /api/v2/write} as {@code /write} to the test server, everything else unchanged.
 */
public final class InfluxV2WriteProxyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String url;

    private InfluxV2WriteProxyProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts the proxy in front of {@code influxUrl}; {@code repositoryRoot} holds scripts/flink-cluster/. */
    public static InfluxV2WriteProxyProcess start(String influxUrl, Path repositoryRoot) throws IOException {
        Path source = repositoryRoot.resolve("scripts/flink-cluster/InfluxV2WriteProxy.java");
        Path dir = Files.createTempDirectory("influx-proxy");
        Path portFile = dir.resolve("port");
        Path log = dir.resolve("proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, source.toString(), influxUrl, portFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the InfluxDB write proxy did not start: " + Files.readString(log));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the InfluxDB write proxy", e);
        }
        return new InfluxV2WriteProxyProcess(process, "http://127.0.0.1:" + Files.readString(portFile).trim());
    }

    /** The proxy's base URL, to give to a v2 client instead of the server's. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
