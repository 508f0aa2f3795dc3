package io.o2o.analytics.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.JobOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose stack (docker/) against the code and the Grafana files: the topics it creates are the ones the job's
 * options name, the job-submitter's arguments are options the job knows, every long-running service has a
 * healthcheck, Grafana gets the provisioning, dashboards and gazetteer where the provisioning files expect them, and
 * the Flink configuration sets the state backend, checkpoint volume and Prometheus reporter. Whether docker compose
 * itself accepts the file is scripts/validate-compose.sh's job.
 */
class DockerStackTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?:(:?[-?])([^}]*))?}");
    private static final Set<String> ONE_SHOT = Set.of("kafka-topics", "job-submitter", "simulator");

    private static JsonNode compose;
    private static JsonNode services;
    private static Map<String, String> env;

    @BeforeAll
    static void readTheStack() throws IOException {
        try (Reader reader = Files.newBufferedReader(GrafanaFiles.path("docker/docker-compose.yml"))) {
            // SnakeYAML resolves the anchors and merge keys (<<: *flink) the way compose does.
            compose = GrafanaFiles.JSON.valueToTree(new Yaml().load(reader));
        }
        services = compose.path("services");
        env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GrafanaFiles.path("docker/.env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
    }

    @Test
    void longRunningServicesHaveHealthchecksAndOneShotsDoNotRestart() {
        assertThat(services.fieldNames()).toIterable()
                .contains("kafka", "kafka-topics", "influxdb", "jobmanager", "taskmanager", "job-submitter", "grafana",
                        "simulator");
        services.fields().forEachRemaining(service -> {
            String name = service.getKey();
            JsonNode s = service.getValue();
            if (ONE_SHOT.contains(name)) {
                assertThat(s.path("restart").asText()).as(name).isEqualTo("no");
            } else {
                assertThat(s.path("healthcheck").path("test")).as(name + " healthcheck").isNotEmpty();
                assertThat(s.path("restart").asText()).as(name).isEqualTo("unless-stopped");
            }
            s.path("depends_on").fields().forEachRemaining(dependency -> {
                assertThat(dependency.getValue().path("condition").asText()).as(name + " -> " + dependency.getKey())
                        .isIn("service_healthy", "service_completed_successfully");
                String condition = ONE_SHOT.contains(dependency.getKey())
                        ? "service_completed_successfully" : "service_healthy";
                assertThat(dependency.getValue().path("condition").asText()).as(name + " -> " + dependency.getKey())
                        .isEqualTo(condition);
            });
        });
        assertThat(services.path("simulator").path("profiles").toString()).contains("simulator");
    }

    @Test
    void theTopicServiceCreatesEveryTopicTheJobReadsOrWrites() {
        Set<String> expected = new TreeSet<>();
        for (ConfigOption<?> option : JobOptions.all()) {
            if (option.key().startsWith("topic.")) {
                expected.add(String.valueOf(option.defaultValue()));
            }
        }
        Set<String> created = new TreeSet<>(List.of(
                services.path("kafka-topics").path("environment").path("TOPICS").asText().trim().split("\\s+")));
        assertThat(created).isEqualTo(expected);
    }

    @Test
    void theJobSubmitterPassesOptionsTheJobKnows() {
        JsonNode submitter = services.path("job-submitter");
        List<String> args = new ArrayList<>();
        submitter.path("command").forEach(arg -> args.add(interpolate(arg.asText())));
        Configuration options = CommandLine.parse(args.toArray(String[]::new));
        assertThat(options.get(JobOptions.SOURCE)).hasToString("kafka");
        assertThat(options.get(JobOptions.INFLUXDB_URL)).isEqualTo("http://influxdb:8086");
        assertThat(options.get(JobOptions.INFLUXDB_BUCKET)).isEqualTo(env.get("INFLUXDB_BUCKET"));
        assertThat(options.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .isEqualTo(services.path("kafka-topics").path("environment").path("BOOTSTRAP_SERVERS").asText());
        assertThat(options.get(JobOptions.CHECKPOINT_DIR)).startsWith("file:///flink-data/");
        // Secrets come from the environment, never from the command line.
        assertThat(args).noneMatch(arg -> arg.contains("token") || arg.contains("hash-key"));
        JsonNode environment = submitter.path("environment");
        // The hash key: the TaskManagers read it where they hash; the client checks that one is configured.
        assertThat(environment.path("O2O_HASH_KEY").asText()).isNotBlank();
        assertThat(services.path("taskmanager").path("environment").path("O2O_HASH_KEY").asText()).isNotBlank();
        // The InfluxDB token is the TaskManagers': the job's sink reads it there, so the client never holds it.
        assertThat(environment.has("O2O_INFLUXDB_TOKEN")).isFalse();
        assertThat(services.path("taskmanager").path("environment").path("O2O_INFLUXDB_TOKEN").asText()).isNotBlank();
    }

    @Test
    void theEnvExampleDefinesEveryRequiredVariableAndHoldsNoSecret() throws IOException {
        String text = Files.readString(GrafanaFiles.path("docker/docker-compose.yml"));
        Matcher m = VARIABLE.matcher(text);
        Set<String> required = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            used.add(m.group(1));
            if (m.group(2) == null || m.group(2).contains("?")) {
                required.add(m.group(1));
            }
        }
        assertThat(env.keySet()).as("required variables").containsAll(required);
        assertThat(used).as("variables of .env.example that compose never reads").containsAll(env.keySet());
        for (String secret : List.of("INFLUXDB_ADMIN_PASSWORD", "INFLUXDB_ADMIN_TOKEN", "GRAFANA_ADMIN_PASSWORD",
                "O2O_HASH_KEY")) {
            assertThat(env.get(secret)).as(secret).startsWith("CHANGE-ME");
        }
    }

    @Test
    void grafanaGetsTheProvisioningTheDashboardsAndTheGazetteerWhereTheyAreExpected() {
        Map<String, String> mounts = mounts("grafana");
        for (String kind : List.of("datasources", "dashboards", "alerting")) {
            assertThat(mounts).containsEntry("../dashboards/provisioning/" + kind, "/etc/grafana/provisioning/" + kind);
        }
        String providerPath = GrafanaFiles.yaml(GrafanaFiles.path("dashboards/provisioning/dashboards/o2o.yaml"))
                .path("providers").get(0).path("options").path("path").asText();
        assertThat(mounts).containsEntry("../dashboards/json", providerPath);
        assertThat(services.path("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
                .asText()).startsWith(providerPath + "/").satisfies(home -> assertThat(
                GrafanaFiles.path("dashboards/json").resolve(home.substring(providerPath.length() + 1))).exists());

        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            for (JsonNode panel : GrafanaFiles.dataPanels(dashboard)) {
                for (JsonNode layer : panel.path("options").path("layers")) {
                    String gazetteer = layer.path("location").path("gazetteer").asText();
                    if (!gazetteer.isEmpty()) {
                        String file = gazetteer.substring(gazetteer.lastIndexOf('/') + 1);
                        assertThat(mounts).containsEntry("../dashboards/gazetteer/" + file,
                                "/usr/share/grafana/" + gazetteer);
                    }
                }
            }
        }
        JsonNode environment = services.path("grafana").path("environment");
        for (String variable : List.of("O2O_INFLUXDB_URL", "O2O_INFLUXDB_DATABASE", "O2O_INFLUXDB_TOKEN")) {
            assertThat(environment.path(variable).asText()).as(variable + ", read by the data source").isNotBlank();
        }
    }

    @Test
    void flinkRunsRocksDbWithCheckpointsOnTheVolumeAndAPrometheusReporter() {
        JsonNode config = GrafanaFiles.yaml(GrafanaFiles.path("docker/flink/conf/config.yaml"));
        assertThat(config.path("state").path("backend").path("type").asText()).isEqualTo("rocksdb");
        JsonNode checkpointing = config.path("execution").path("checkpointing");
        assertThat(checkpointing.path("dir").asText()).startsWith("file:///flink-data/");
        assertThat(checkpointing.path("savepoint-dir").asText()).startsWith("file:///flink-data/");
        JsonNode prometheus = config.path("metrics").path("reporter").path("prom");
        assertThat(prometheus.path("factory").path("class").asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(prometheus.path("port").asInt()).isEqualTo(9249);
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(mounts(flink)).containsEntry("./flink/conf/config.yaml", "/opt/o2o/flink-conf/config.yaml")
                    .containsEntry("flink-data", "/flink-data");
        }
    }

    @Test
    void theImageCopiesTheJobJarOfThisVersionAndTheSimulatorClassExists() throws Exception {
        String pom = Files.readString(GrafanaFiles.path("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>o2o-analytics</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(version.find()).isTrue();
        String dockerfile = Files.readString(GrafanaFiles.path("docker/flink/Dockerfile"));
        assertThat(dockerfile).contains("flink-jobs/target/flink-jobs-" + version.group(1) + "-job.jar")
                .contains("/opt/flink/usrlib/");
        assertThat(interpolate(services.path("jobmanager").path("image").asText()))
                .as("the image is tagged with the project version").endsWith(":" + version.group(1));
        JsonNode entrypoint = services.path("simulator").path("entrypoint");
        Class.forName(entrypoint.get(entrypoint.size() - 1).asText()).getMethod("main", String[].class);
    }

    /** Short-syntax volumes of a service: host source (or volume name) to container path. */
    private static Map<String, String> mounts(String service) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : services.path(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    /** Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, with the values of .env.example. */
    private static String interpolate(String text) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if ((value == null || value.isEmpty()) && m.group(2) != null && m.group(2).contains("-")) {
                value = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
