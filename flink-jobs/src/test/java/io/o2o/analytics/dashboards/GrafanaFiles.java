package io.o2o.analytics.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Grafana files of the repository ({@code dashboards/}) and the compose stack ({@code docker/}), read the way
 * Grafana and docker compose read them: dashboards as JSON, provisioning and compose files as YAML.
 */
final class GrafanaFiles {
    static final String DATASOURCE_UID = "o2o-influxdb";
    static final String DATASOURCE_TYPE = "influxdb";
    /** Grafana's own "data source" of server-side expressions in alert rules. */
    static final String EXPRESSION_UID = "__expr__";

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    /** One query of one panel. */
    record Target(String dashboard, String panel, String panelType, String refId, JsonNode json) {
        String query() {
            return json.path("query").asText();
        }

        String alias() {
            return json.path("alias").asText("");
        }

        String resultFormat() {
            return json.path("resultFormat").asText("time_series");
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId;
        }
    }

    /** One InfluxQL query of one provisioned alert rule. */
    record AlertQuery(String file, String ruleUid, String ruleTitle, String refId, JsonNode data) {
        String query() {
            return data.path("model").path("query").asText();
        }

        @Override
        public String toString() {
            return ruleTitle + " / " + refId;
        }
    }

    private GrafanaFiles() {}

    /** The repository root: the first folder upwards from the working directory with a dashboards/ folder. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("dashboards/provisioning")) && Files.isDirectory(d.resolve("docker"))) {
                return d;
            }
        }
        throw new IllegalStateException("no dashboards/provisioning above " + dir);
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static List<Path> dashboardFiles() {
        return list(path("dashboards/json"), ".json");
    }

    static List<Path> alertRuleFiles() {
        return list(path("dashboards/provisioning/alerting"), ".yaml");
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static List<JsonNode> dashboards() {
        return dashboardFiles().stream().map(GrafanaFiles::json).toList();
    }

    /** Every panel, those inside collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Panels that show data (not rows or text). */
    static List<JsonNode> dataPanels(JsonNode dashboard) {
        return panels(dashboard).stream()
                .filter(p -> !List.of("row", "text").contains(p.path("type").asText()))
                .toList();
    }

    static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (JsonNode dashboard : dashboards()) {
            for (JsonNode panel : dataPanels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    targets.add(new Target(dashboard.path("title").asText(), panel.path("title").asText(),
                            panel.path("type").asText(), target.path("refId").asText(), target));
                }
            }
        }
        return targets;
    }

    static List<JsonNode> variables(JsonNode dashboard) {
        List<JsonNode> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variables::add);
        return variables;
    }

    static List<JsonNode> alertRules(Path file) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml(file).path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    static List<AlertQuery> alertQueries() {
        List<AlertQuery> queries = new ArrayList<>();
        for (Path file : alertRuleFiles()) {
            for (JsonNode rule : alertRules(file)) {
                for (JsonNode data : rule.path("data")) {
                    if (DATASOURCE_UID.equals(data.path("datasourceUid").asText())) {
                        queries.add(new AlertQuery(file.getFileName().toString(), rule.path("uid").asText(),
                                rule.path("title").asText(), data.path("refId").asText(), data));
                    }
                }
            }
        }
        return queries;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
