package io.o2o.analytics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Kafka broker of one test's own, started and stopped with {@code scripts/kafka.sh} in a run folder and on
 * ports of its own: for a test that stops the broker, which must not take away the broker that the other tests
 * share ({@link KafkaTestBroker#fromEnvironment()}). It uses the shared broker's jars when they are there
 * ({@code O2O_RUN_DIR}, as {@code bin/test} exports it), so it fetches nothing.
 *
 * <p>Stopping it is what an operator's {@code kafka-server-stop} does: a clean shutdown, after which clients find
 * nobody listening. Its data stays, so {@link #start()} after {@link #stop()} brings back the same topics.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;

    private final Path script;
    private final Path runDir;
    private final int port;
    private final int controllerPort;
    private final Thread stopAtExit;
    private KafkaTestBroker client;

    private KafkaBrokerProcess(Path script, Path runDir, int port, int controllerPort) {
        this.script = script;
        this.runDir = runDir;
        this.port = port;
        this.controllerPort = controllerPort;
        // The broker runs detached (setsid): a test JVM that ends without its clean-up must not leave it behind.
        this.stopAtExit = new Thread(this::stopQuietly, "stop-kafka-" + port);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** A broker in a fresh folder {@code target/<name>} of the module, on two free ports; not started yet. */
    public static KafkaBrokerProcess create(String name) {
        Path script = repositoryRoot().resolve("scripts/kafka.sh");
        Path runDir = Path.of("target", name).toAbsolutePath();
        deleteRecursively(runDir);
        int[] ports = freePorts(2);
        return new KafkaBrokerProcess(script, runDir, ports[0], ports[1]);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and waits until it answers a metadata request. */
    public void start() {
        run("start");
        if (client == null) {
            client = KafkaTestBroker.at(bootstrapServers(), "Its logs are in " + runDir.resolve("kafka/logs") + ".");
        }
    }

    /** Stops the broker cleanly and waits until its process is gone. */
    public void stop() {
        run("stop");
    }

    /** Topics, producing and reading on this broker; reconnects by itself after a restart. */
    public KafkaTestBroker client() {
        if (client == null) {
            throw new IllegalStateException("start the broker first");
        }
        return client;
    }

    /** Stops the broker and deletes its folder. */
    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        stopQuietly();
        deleteRecursively(runDir);
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException alreadyExiting) {
            // The hook is running or has run: nothing left to undo.
        }
    }

    private void stopQuietly() {
        if (Files.exists(runDir.resolve("kafka/kafka.pid"))) {
            try {
                stop();
            } catch (RuntimeException e) {
                System.err.println("could not stop the test's own Kafka broker: " + e.getMessage());
            }
        }
    }

    private void run(String command) {
        Path log = runDir.resolve("kafka-sh.log");
        try {
            Files.createDirectories(runDir);
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.put("O2O_RUN_DIR", runDir.toString());
            env.put("O2O_KAFKA_PORT", Integer.toString(port));
            env.put("O2O_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
            sharedLibraries().ifPresent(libs -> env.put("O2O_KAFKA_LIBS_DIR", libs.toString()));
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/kafka.sh " + command + " did not end within "
                        + SCRIPT_TIMEOUT_SECONDS + " s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("scripts/kafka.sh " + command + " failed (exit " + process.exitValue()
                        + "): " + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during scripts/kafka.sh " + command, e);
        }
    }

    /** The shared broker's jars, when complete for the version the script runs (it would otherwise fetch them). */
    private Optional<Path> sharedLibraries() throws IOException {
        String runDir = System.getenv().getOrDefault("O2O_RUN_DIR", "/tmp/o2o-run");
        Path libs = Path.of(runDir, "kafka", "libs");
        Matcher version = Pattern.compile("(?m)^KAFKA_VERSION=\"([^\"]+)\"").matcher(Files.readString(script));
        return version.find() && Files.exists(libs.resolve(".complete-" + version.group(1)))
                ? Optional.of(libs)
                : Optional.empty();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/kafka.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("scripts/kafka.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            // All open at once, so the ports differ; closed just before the broker binds them.
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            for (ServerSocket socket : sockets) {
                socket.close();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
