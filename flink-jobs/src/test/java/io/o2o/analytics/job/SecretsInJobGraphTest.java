package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never travel inside what the client ships to the cluster: the job graph (which the JobManager keeps in
 * its blob and HA storage), its execution config with the global job parameters, and the job's configuration. The
 * job is built by its own wiring ({@link JobSetup}, {@link LocationAnalyticsJob#build}) with known secrets in the
 * client's environment and in files, and every shipped byte is searched for them, raw, as UTF-16 (a
 * {@code char[]}), in hex and in base64.
 *
 * <p>{@link #shippedBytes} and {@link #formsOf} are meant for every secret of the job; add one by giving it a
 * known value in {@link #setup} and asserting {@link #formsFoundIn} is empty for it.
 */
class SecretsInJobGraphTest {

    private static final String ENV_TOKEN = "env-influx-t0ken-6b1d9f0c2e57";
    private static final String FILE_TOKEN = "file-influx-t0ken-93ad71c5e8f4";
    private static final String HASH_KEY = "hash-key-for-the-job-graph-test-0123456789";

    @TempDir
    Path secrets;

    /** The job as {@code flink run} would submit it, against Kafka and InfluxDB, with the client's environment. */
    private static JobSetup setup(Map<String, String> clientEnvironment, String... extraArguments) {
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka", "--kafka.bootstrap-servers", "127.0.0.1:9",
                "--influxdb.url", "http://influxdb:8086", "--influxdb.org", "o2o", "--influxdb.bucket", "o2o_analytics"));
        args.addAll(List.of(extraArguments));
        return JobSetup.fromArguments(args.toArray(String[]::new), clientEnvironment);
    }

    /**
     * Everything of the job that leaves the client, Java-serialised: the job graph (operators, sinks and their
     * settings, the serialized execution config with the global job parameters, the job configuration), the stream
     * graph (what Flink 2 ships instead when it builds the job graph on the JobManager), and the configuration the
     * job's environment was made with.
     */
    static byte[] shippedBytes(JobSetup setup) throws Exception {
        ByteArrayOutputStream shipped = new ByteArrayOutputStream();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(setup.flinkConfiguration());
        setup.job().build(env);
        JobGraph jobGraph = env.getStreamGraph().getJobGraph();
        shipped.write(InstantiationUtil.serializeObject(jobGraph));
        shipped.write(InstantiationUtil.serializeObject(env.getConfig()));
        shipped.write(InstantiationUtil.serializeObject(env.getConfiguration()));
        shipped.write(env.getConfig().getGlobalJobParameters().toMap().toString().getBytes(StandardCharsets.UTF_8));

        StreamExecutionEnvironment again =
                StreamExecutionEnvironment.getExecutionEnvironment(setup.flinkConfiguration());
        setup.job().build(again);
        StreamGraph streamGraph = again.getStreamGraph();
        streamGraph.serializeUserDefinedInstances();
        shipped.write(InstantiationUtil.serializeObject(streamGraph));
        return shipped.toByteArray();
    }

    /**
     * The byte sequences that give a secret away: its UTF-8 bytes (also Java serialisation's form of an ASCII
     * string), UTF-16 in both byte orders, hex in both cases of its UTF-8 bytes, and its base64 (standard and
     * URL-safe) at each of the three alignments it can have inside a longer encoded value, without the groups it
     * shares with its neighbours.
     */
    static List<byte[]> formsOf(String secret) {
        byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
        List<byte[]> forms = new ArrayList<>();
        forms.add(utf8);
        forms.add(secret.getBytes(StandardCharsets.UTF_16BE));
        forms.add(secret.getBytes(StandardCharsets.UTF_16LE));
        forms.add(HexFormat.of().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        forms.add(HexFormat.of().withUpperCase().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + utf8.length];
                System.arraycopy(utf8, 0, shifted, offset, utf8.length);
                String encoded = encoder.withoutPadding().encodeToString(shifted);
                int from = offset == 0 ? 0 : 4;
                int to = (encoded.length() / 4) * 4;
                forms.add(encoded.substring(from, Math.max(from, to)).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return forms;
    }

    /** The forms of {@code secret} (see {@link #formsOf}) that occur in {@code bytes}, named. */
    static List<String> formsFoundIn(byte[] bytes, String secret) {
        List<String> found = new ArrayList<>();
        List<byte[]> forms = formsOf(secret);
        for (int i = 0; i < forms.size(); i++) {
            if (indexOf(bytes, forms.get(i)) >= 0) {
                found.add("form " + i + ": " + new String(forms.get(i), StandardCharsets.ISO_8859_1));
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theSearchFindsASecretInEveryFormItLooksFor() throws Exception {
        byte[] serialised = InstantiationUtil.serializeObject(new java.util.HashMap<>(Map.of("t", ENV_TOKEN)));
        byte[] chars = InstantiationUtil.serializeObject(("x" + ENV_TOKEN).toCharArray());
        byte[] utf8 = ENV_TOKEN.getBytes(StandardCharsets.UTF_8);
        byte[] hex = ("00" + HexFormat.of().formatHex(utf8)).getBytes(StandardCharsets.US_ASCII);

        assertThat(formsFoundIn(serialised, ENV_TOKEN)).isNotEmpty();
        assertThat(formsFoundIn(chars, ENV_TOKEN)).isNotEmpty();
        assertThat(formsFoundIn(hex, ENV_TOKEN)).isNotEmpty();
        for (int prefix = 0; prefix < 3; prefix++) {
            byte[] embedded = new byte[prefix + utf8.length + 2];
            Arrays.fill(embedded, (byte) 0x7f);
            System.arraycopy(utf8, 0, embedded, prefix, utf8.length);
            byte[] base64 = Base64.getEncoder().encode(embedded);
            assertThat(formsFoundIn(base64, ENV_TOKEN)).as("base64 at offset %d", prefix).isNotEmpty();
        }
        assertThat(formsFoundIn(serialised, FILE_TOKEN)).isEmpty();
    }

    @Test
    void theInfluxDbTokenOfTheClientsEnvironmentIsNotInTheJobGraph() throws Exception {
        JobSetup setup = setup(Map.of(Secrets.HASH_KEY_ENV, HASH_KEY, Secrets.INFLUXDB_TOKEN_ENV, ENV_TOKEN));

        byte[] shipped = shippedBytes(setup);

        assertThat(formsFoundIn(shipped, ENV_TOKEN)).as("forms of the InfluxDB token in the job graph").isEmpty();
        // The sink is in the graph, with where its writers find the token.
        assertThat(formsFoundIn(shipped, "http://influxdb:8086")).isNotEmpty();
        assertThat(formsFoundIn(shipped, Secrets.INFLUXDB_TOKEN_ENV)).isNotEmpty();
    }

    @Test
    void theInfluxDbTokenOfATokenFileIsNotInTheJobGraphOnlyItsPath() throws Exception {
        Path tokenFile = Files.writeString(secrets.resolve("influxdb-token"), FILE_TOKEN + "\n");
        JobSetup setup = setup(Map.of(Secrets.HASH_KEY_ENV, HASH_KEY, Secrets.INFLUXDB_TOKEN_ENV, ENV_TOKEN),
                "--influxdb.token-file", tokenFile.toString());

        byte[] shipped = shippedBytes(setup);

        assertThat(formsFoundIn(shipped, FILE_TOKEN)).as("forms of the file's token in the job graph").isEmpty();
        assertThat(formsFoundIn(shipped, ENV_TOKEN)).as("forms of the environment's token in the job graph").isEmpty();
        assertThat(formsFoundIn(shipped, tokenFile.toString())).isNotEmpty();
    }

    @Test
    void theHashKeyOfTheClientsEnvironmentIsNotInTheJobGraphOnlyTheVariablesName() throws Exception {
        JobSetup setup = setup(Map.of(Secrets.HASH_KEY_ENV, HASH_KEY, Secrets.INFLUXDB_TOKEN_ENV, ENV_TOKEN));

        byte[] shipped = shippedBytes(setup);

        assertThat(formsFoundIn(shipped, HASH_KEY)).as("forms of the hash key in the job graph").isEmpty();
        assertThat(formsFoundIn(shipped, Secrets.HASH_KEY_ENV)).isNotEmpty();
    }

    @Test
    void theHashKeyOfAKeyFileIsNotInTheJobGraphOnlyItsPath() throws Exception {
        String fileKey = "hash-key-of-a-mounted-file-0123456789";
        Path keyFile = Files.writeString(secrets.resolve("hash.key"), fileKey + "\n");
        JobSetup setup = setup(Map.of(Secrets.INFLUXDB_TOKEN_ENV, ENV_TOKEN), "--hash-key-file", keyFile.toString());

        byte[] shipped = shippedBytes(setup);

        assertThat(formsFoundIn(shipped, fileKey)).as("forms of the file's hash key in the job graph").isEmpty();
        assertThat(formsFoundIn(shipped, keyFile.toString())).isNotEmpty();
    }
}
