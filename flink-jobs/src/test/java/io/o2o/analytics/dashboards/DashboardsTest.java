package io.o2o.analytics.dashboards;

import static io.o2o.analytics.dashboards.GrafanaFiles.DATASOURCE_TYPE;
import static io.o2o.analytics.dashboards.GrafanaFiles.DATASOURCE_UID;
import static io.o2o.analytics.dashboards.GrafanaFiles.EXPRESSION_UID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.dashboards.GrafanaFiles.AlertQuery;
import io.o2o.analytics.dashboards.GrafanaFiles.Target;
import io.o2o.analytics.dashboards.WrittenMeasurements.Measurement;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.metrics.O2oConversionAggregator;
import io.o2o.analytics.metrics.PipelineHealthAggregator;
import io.o2o.analytics.metrics.StoreCustomersAggregator;
import io.o2o.analytics.metrics.LiveOccupancy;
import io.o2o.analytics.metrics.MerchandisingAggregator;
import io.o2o.analytics.metrics.OffersAggregator;
import io.o2o.analytics.metrics.StoreOccupancyAggregator;
import io.o2o.analytics.metrics.ZoneActivityAggregator;
import io.o2o.analytics.metrics.StoreTrafficAggregator;
import io.o2o.analytics.influx.reporter.InfluxDbReporterFactory;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.FlinkMetricsReporting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.filter.DefaultReporterFilters;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Point;

/**
 * The provisioned Grafana files against what the job really writes: every dashboard and alert query reads a
 * measurement, fields and tags that the job's aggregators emit (learnt by running them, see
 * {@link WrittenMeasurements}), through the provisioned data source, with only defined variables; the gazetteer and
 * the per-store alert rules match the sample fence file. {@code DashboardQueriesITCase} then runs every query against
 * a real InfluxDB filled by the real job.
 */
class DashboardsTest {
    private static final Pattern ALIAS_TAG = Pattern.compile("\\$tag_(\\w+)");
    private static final Pattern ENV_REFERENCE = Pattern.compile("^(Token )?\\$\\{O2O_INFLUXDB_[A-Z]+}$");
    private static final String SAMPLE_FENCES = "geo-fences/data/sample-city.geojson";
    private static final String CLUSTER_REPORTER_TEMPLATE = "scripts/flink-cluster/influx-reporter.yaml.template";

    private static WrittenMeasurements written;
    /** What the job's aggregators write, and the Flink metrics its InfluxDB reporter writes. */
    private static WrittenMeasurements readable;

    @BeforeAll
    static void learnWhatTheJobWrites() throws Exception {
        written = WrittenMeasurements.fromTheAggregators();
        readable = written.and(FlinkMetrics.measurements());
    }

    @Test
    void theAggregatorsWriteTheMeasurementsTheyDeclare() {
        assertThat(written.all()).containsOnlyKeys(
                StoreTrafficAggregator.TRAFFIC, StoreTrafficAggregator.DWELL,
                PipelineHealthAggregator.HEALTH, PipelineHealthAggregator.DEAD_LETTERS,
                O2oConversionAggregator.MEASUREMENT, StoreCustomersAggregator.MEASUREMENT,
                StoreOccupancyAggregator.MEASUREMENT, ZoneActivityAggregator.MEASUREMENT,
                MerchandisingAggregator.MEASUREMENT, OffersAggregator.MEASUREMENT, LiveOccupancy.MEASUREMENT);
        assertThat(written.get(OffersAggregator.MEASUREMENT).tags()).containsExactlyInAnyOrder("store", "rule");
        assertThat(written.get(LiveOccupancy.MEASUREMENT).fields()).containsExactly("devices");
        assertThat(written.all().values()).allSatisfy(m -> assertThat(m.fields()).isNotEmpty());
        // The harness inputs reach the fields written only sometimes (the mean lead of a period with
        // online-to-store conversions, the ratios of a period with visitors), so the dashboards are checked
        // against them too.
        Measurement conversions = written.get(O2oConversionAggregator.MEASUREMENT);
        assertThat(conversions.fields()).contains("online_to_store", "purchases", "store_to_online", "mean_lead_s");
        assertThat(conversions.tags()).containsExactlyInAnyOrder("store", "channel");
        Measurement customers = written.get(StoreCustomersAggregator.MEASUREMENT);
        assertThat(customers.fields()).contains("member_transactions", "conversion_rate", "known_share");
        assertThat(customers.tags()).containsExactly("store");
        assertThat(written.get(StoreOccupancyAggregator.MEASUREMENT).fields()).contains("device_share");
        assertThat(written.get(ZoneActivityAggregator.MEASUREMENT).fields()).contains("p90_s", "dwell_1_5m");
        assertThat(written.get(ZoneActivityAggregator.MEASUREMENT).tags()).containsExactlyInAnyOrder("store", "zone");
    }

    @Test
    void everyReporterConfigurationLetsThroughTheFlinkMetricsTheDashboardsRead() throws Exception {
        Map<String, Configuration> configurations = new TreeMap<>();
        configurations.put("the embedded MiniCluster (FlinkMetricsReporting)", FlinkMetricsReporting.embedded(
                CommandLine.parse(new String[] {"--influxdb.url", "http://localhost:8086"})));
        configurations.put("docker/flink/conf/config.yaml", flinkConfigurationFile("docker/flink/conf/config.yaml"));
        configurations.put(CLUSTER_REPORTER_TEMPLATE, flinkConfigurationFile(CLUSTER_REPORTER_TEMPLATE));
        assertThat(FlinkMetrics.DECLARED).isNotEmpty();
        configurations.forEach((where, flink) -> {
            Configuration reporter = MetricOptions.forReporter(flink, FlinkMetricsReporting.REPORTER);
            assertThat(reporter.get(MetricOptions.REPORTER_FACTORY_CLASS)).as(where)
                    .isEqualTo(InfluxDbReporterFactory.class.getName());
            ReporterFilter<Metric> filter = DefaultReporterFilters.metricsFromConfiguration(reporter);
            for (FlinkMetrics.FlinkMetric metric : FlinkMetrics.DECLARED) {
                assertThat(filter.filter(metric.sample(), metric.name(), metric.scope()))
                        .as(where + " reports " + metric.measurement()).isTrue();
            }
            assertThat(filter.filter(new SimpleCounter(), "numRecordsIn", "taskmanager.job.task.operator"))
                    .as(where + ": only what the dashboards read").isFalse();
            Set<String> excluded = Set.of(reporter.get(MetricOptions.REPORTER_EXCLUDED_VARIABLES).split(";"));
            for (FlinkMetrics.FlinkMetric metric : FlinkMetrics.DECLARED) {
                assertThat(metric.tags()).as(where + ": tags of " + metric.measurement()).doesNotContainAnyElementsOf(excluded);
            }
        });
    }

    @Test
    void everyDashboardParsesAndHasAUniqueUidAndTitle() {
        List<JsonNode> dashboards = GrafanaFiles.dashboards();
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(2);
        assertThat(dashboards).extracting(d -> d.path("uid").asText())
                .allMatch(uid -> !uid.isBlank() && uid.length() <= 40, "uids of 1 to 40 characters (Grafana's limit)")
                .doesNotHaveDuplicates();
        assertThat(dashboards).extracting(d -> d.path("title").asText())
                .allMatch(title -> !title.isBlank(), "titles")
                .doesNotHaveDuplicates();
        assertThat(dashboards).allSatisfy(d -> {
            assertThat(d.path("id").isMissingNode() || d.path("id").isNull()).as("%s: no database id", d.path("uid"))
                    .isTrue();
            assertThat(d.path("tags").toString()).as("tagged o2o, for the dashboard links").contains("\"o2o\"");
        });
    }

    @Test
    void everyPanelQueriesTheProvisionedDataSourceInRawInfluxQl() {
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            for (JsonNode panel : GrafanaFiles.dataPanels(dashboard)) {
                String where = dashboard.path("title").asText() + " / " + panel.path("title").asText();
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo(DATASOURCE_UID);
                assertThat(panel.path("datasource").path("type").asText()).as(where).isEqualTo(DATASOURCE_TYPE);
                assertThat(panel.path("targets")).as(where + ": targets").isNotEmpty();
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(refIds.add(target.path("refId").asText())).as(where + ": unique refId").isTrue();
                    assertThat(target.path("datasource").path("uid").asText()).as(where).isEqualTo(DATASOURCE_UID);
                    assertThat(target.path("rawQuery").asBoolean()).as(where + ": raw InfluxQL").isTrue();
                    assertThat(target.path("query").asText()).as(where).isNotBlank();
                    assertThat(target.path("resultFormat").asText()).as(where).isIn("time_series", "table");
                }
            }
        }
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() {
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            List<JsonNode> panels = GrafanaFiles.panels(dashboard);
            assertThat(panels).extracting(p -> p.path("id").asInt()).doesNotHaveDuplicates();
            for (int i = 0; i < panels.size(); i++) {
                JsonNode a = panels.get(i).path("gridPos");
                assertThat(a.path("x").asInt() + a.path("w").asInt()).as("within 24 columns").isLessThanOrEqualTo(24);
                for (int j = i + 1; j < panels.size(); j++) {
                    JsonNode b = panels.get(j).path("gridPos");
                    boolean overlap = a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                            && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                            && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                            && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
                    assertThat(overlap).as("%s overlaps %s", panels.get(i).path("title"), panels.get(j).path("title"))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void everyPanelQueryReadsAMeasurementFieldsAndTagsThatTheJobWrites() {
        List<Target> targets = GrafanaFiles.targets();
        assertThat(targets).hasSizeGreaterThan(10);
        for (Target target : targets) {
            assertReadsWhatTheJobWrites(target.toString(), target.query());
        }
    }

    @Test
    void everyMeasurementTheJobWritesIsOnADashboard() {
        Map<String, Set<String>> shown = new TreeMap<>();
        for (Target target : GrafanaFiles.targets()) {
            InfluxQlQuery q = InfluxQlQuery.of(target.query());
            shown.computeIfAbsent(q.measurement(), m -> new HashSet<>()).addAll(q.fields());
        }
        for (Measurement m : readable.all().values()) {
            assertThat(shown).as("dashboards show " + m.name()).containsKey(m.name());
        }
        // Every field of the traffic, health, O2O conversion, store customer, occupancy and zone measurements is on
        // a panel; dwell shows mean, p50, p90 and max.
        for (String measurement : List.of(StoreTrafficAggregator.TRAFFIC, PipelineHealthAggregator.HEALTH,
                O2oConversionAggregator.MEASUREMENT, StoreCustomersAggregator.MEASUREMENT,
                StoreOccupancyAggregator.MEASUREMENT, ZoneActivityAggregator.MEASUREMENT,
                MerchandisingAggregator.MEASUREMENT)) {
            assertThat(shown.get(measurement)).as("fields of " + measurement + " on the dashboards")
                    .containsAll(written.get(measurement).fields());
        }
    }

    @Test
    void templateVariablesListTagValuesTheJobWritesAndEveryVariableUsedIsDefined() {
        for (JsonNode dashboard : GrafanaFiles.dashboards()) {
            String title = dashboard.path("title").asText();
            Map<String, JsonNode> defined = new HashMap<>();
            for (JsonNode variable : GrafanaFiles.variables(dashboard)) {
                String name = variable.path("name").asText();
                assertThat(defined.put(name, variable)).as(title + ": variable " + name + " defined once").isNull();
                assertThat(variable.path("type").asText()).as(name).isEqualTo("query");
                assertThat(variable.path("datasource").path("uid").asText()).as(name).isEqualTo(DATASOURCE_UID);
                InfluxQlQuery query = InfluxQlQuery.of(variable.path("query").asText());
                assertThat(query.isShowTagValues()).as(name + ": SHOW TAG VALUES ...").isTrue();
                assertReadsWhatTheJobWrites(title + " / $" + name, query.text());
            }
            assertThat(defined).as(title + ": has a template variable").isNotEmpty();

            Set<String> used = new HashSet<>();
            for (JsonNode panel : GrafanaFiles.dataPanels(dashboard)) {
                used.addAll(GrafanaMacros.references(panel.path("title").asText()));
                for (JsonNode target : panel.path("targets")) {
                    String query = target.path("query").asText();
                    used.addAll(GrafanaMacros.references(query));
                    for (String name : GrafanaMacros.references(query)) {
                        JsonNode variable = defined.get(name);
                        if (variable != null && variable.path("multi").asBoolean()) {
                            assertThat(query).as("multi-value $" + name + " only inside a regex literal")
                                    .containsPattern("=~\\s*/[^/]*\\$" + name + "\\b[^/]*/");
                        }
                    }
                }
            }
            used.removeAll(GrafanaMacros.BUILT_INS);
            assertThat(defined.keySet()).as(title + ": variables used in queries").containsAll(used);
            assertThat(used).as(title + ": variables defined but never used").containsAll(defined.keySet());
        }
    }

    @Test
    void aliasesNameOnlyTagsTheQueryGroupsBy() {
        for (Target target : GrafanaFiles.targets()) {
            InfluxQlQuery query = InfluxQlQuery.of(target.query());
            Matcher tag = ALIAS_TAG.matcher(target.alias());
            while (tag.find()) {
                assertThat(query.groupByTags()).as(target + ": alias " + target.alias()).contains(tag.group(1));
            }
            assertThat(GrafanaMacros.references(target.alias().replaceAll("\\$tag_\\w+", "")))
                    .as(target + ": alias uses only $tag_ patterns").isEmpty();
        }
    }

    @Test
    void theGeomapPlacesStoresThroughTheGazetteer() {
        List<JsonNode> geomaps = GrafanaFiles.dashboards().stream()
                .flatMap(d -> GrafanaFiles.dataPanels(d).stream())
                .filter(p -> p.path("type").asText().equals("geomap"))
                .toList();
        assertThat(geomaps).isNotEmpty();
        for (JsonNode geomap : geomaps) {
            JsonNode layers = geomap.path("options").path("layers");
            assertThat(layers).isNotEmpty();
            for (JsonNode layer : layers) {
                JsonNode location = layer.path("location");
                assertThat(location.path("mode").asText()).isEqualTo("lookup");
                String gazetteer = location.path("gazetteer").asText();
                assertThat(gazetteer).startsWith("public/gazetteer/");
                Path file = GrafanaFiles.path("dashboards/gazetteer")
                        .resolve(gazetteer.substring("public/gazetteer/".length()));
                assertThat(file).exists();
                String lookupField = location.path("lookup").asText();
                for (JsonNode target : geomap.path("targets")) {
                    InfluxQlQuery query = InfluxQlQuery.of(target.path("query").asText());
                    assertThat(target.path("resultFormat").asText()).as("one row per store").isEqualTo("table");
                    assertThat(query.groupByTags()).as("the lookup field is a tag the query groups by")
                            .contains(lookupField);
                }
                JsonNode style = layer.path("config").path("style");
                Set<String> selected = new HashSet<>();
                for (JsonNode target : geomap.path("targets")) {
                    selected.addAll(aliases(target.path("query").asText()));
                }
                assertThat(selected).as("size and colour come from the query").contains(
                        style.path("size").path("field").asText(), style.path("color").path("field").asText());
            }
        }
    }

    @Test
    void theGazetteerPutsEveryStoreOfTheSampleCityAtItsCentroid() throws Exception {
        FenceCatalog fences = FenceCatalog.load(GrafanaFiles.path(SAMPLE_FENCES).toString());
        JsonNode gazetteer = GrafanaFiles.json(GrafanaFiles.path("dashboards/gazetteer/o2o-stores.json"));
        Map<String, JsonNode> byKey = new TreeMap<>();
        gazetteer.forEach(entry -> byKey.put(entry.path("key").asText(), entry));
        assertThat(byKey.keySet()).as("regenerate with: python3 dashboards/generate-store-files.py")
                .containsExactlyInAnyOrderElementsOf(fences.stores().stream().map(StoreFence::id).toList());
        for (StoreFence store : fences.stores()) {
            JsonNode entry = byKey.get(store.id());
            Point centroid = store.area().getCentroid();
            assertThat(entry.path("latitude").asDouble()).as(store.id()).isCloseTo(centroid.getY(), within(1e-6));
            assertThat(entry.path("longitude").asDouble()).as(store.id()).isCloseTo(centroid.getX(), within(1e-6));
            assertThat(entry.path("name").asText()).isEqualTo(store.name());
            if (store.hasCapacity()) {
                assertThat(entry.path("capacity").asInt()).isEqualTo(store.capacity());
            } else {
                assertThat(entry.has("capacity")).as(store.id() + " has no capacity").isFalse();
            }
        }
    }

    @Test
    void theDataSourceIsInfluxQlWithItsSettingsFromTheEnvironment() {
        JsonNode file = GrafanaFiles.yaml(GrafanaFiles.path("dashboards/provisioning/datasources/influxdb.yaml"));
        assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(file.path("datasources")).hasSize(1);
        JsonNode ds = file.path("datasources").get(0);
        assertThat(ds.path("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(ds.path("type").asText()).isEqualTo(DATASOURCE_TYPE);
        assertThat(ds.path("access").asText()).isEqualTo("proxy");
        assertThat(ds.path("jsonData").path("version").asText()).isEqualTo("InfluxQL");
        for (JsonNode value : List.of(ds.path("url"), ds.path("database"), ds.path("jsonData").path("dbName"),
                ds.path("secureJsonData").path("httpHeaderValue1"))) {
            assertThat(value.asText()).as("site settings come from O2O_INFLUXDB_* variables").matches(ENV_REFERENCE);
        }
        assertThat(ds.path("jsonData").path("httpHeaderName1").asText()).isEqualTo("Authorization");
    }

    @Test
    void theDashboardProviderLoadsTheJsonFolder() {
        JsonNode file = GrafanaFiles.yaml(GrafanaFiles.path("dashboards/provisioning/dashboards/o2o.yaml"));
        assertThat(file.path("providers")).hasSize(1);
        JsonNode provider = file.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("folder").asText()).isNotBlank();
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
    }

    @Test
    void alertRulesAreWellFormedAndQueryWhatTheJobWrites() {
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        List<Path> files = GrafanaFiles.alertRuleFiles();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            JsonNode yaml = GrafanaFiles.yaml(file);
            assertThat(yaml.path("apiVersion").asInt()).as(file.toString()).isEqualTo(1);
            for (JsonNode group : yaml.path("groups")) {
                assertThat(group.path("name").asText()).isNotBlank();
                assertThat(group.path("folder").asText()).isNotBlank();
                assertThat(group.path("interval").asText()).matches("\\d+[smh]");
                for (JsonNode rule : group.path("rules")) {
                    String uid = rule.path("uid").asText();
                    assertThat(uid).isNotBlank().hasSizeLessThanOrEqualTo(40);
                    assertThat(uids.add(uid)).as("unique rule uid " + uid).isTrue();
                    assertThat(titles.add(group.path("folder").asText() + "/" + rule.path("title").asText()))
                            .as("unique title in its folder: " + rule.path("title")).isTrue();
                    assertWellFormed(rule);
                }
            }
        }
        List<AlertQuery> queries = GrafanaFiles.alertQueries();
        assertThat(queries).isNotEmpty();
        for (AlertQuery query : queries) {
            assertThat(query.data().path("model").path("rawQuery").asBoolean()).as(query.toString()).isTrue();
            assertReadsWhatTheJobWrites(query.toString(), query.query());
        }
        assertThat(queries).as("a stall rule: no records received")
                .anyMatch(q -> InfluxQlQuery.of(q.query()).measurement().equals(PipelineHealthAggregator.HEALTH)
                        && InfluxQlQuery.of(q.query()).fields().contains("received"));
    }

    @Test
    void everyStoreOfTheSampleCityHasAnOccupancyRuleAtItsCapacity() throws Exception {
        FenceCatalog fences = FenceCatalog.load(GrafanaFiles.path(SAMPLE_FENCES).toString());
        Map<String, JsonNode> byStore = new TreeMap<>();
        Path rules = GrafanaFiles.path("dashboards/provisioning/alerting/o2o-occupancy.yaml");
        for (JsonNode rule : GrafanaFiles.alertRules(rules)) {
            byStore.put(rule.path("labels").path("store").asText(), rule);
        }
        // A store of unknown capacity gets no rule; every sample store has one.
        assertThat(fences.stores()).allMatch(StoreFence::hasCapacity);
        assertThat(byStore.keySet()).as("regenerate with: python3 dashboards/generate-store-files.py")
                .containsExactlyInAnyOrderElementsOf(
                        fences.stores().stream().filter(StoreFence::hasCapacity).map(StoreFence::id).toList());
        for (StoreFence store : fences.stores()) {
            JsonNode rule = byStore.get(store.id());
            List<JsonNode> data = new ArrayList<>();
            rule.path("data").forEach(data::add);
            String query = data.stream().filter(d -> d.path("datasourceUid").asText().equals(DATASOURCE_UID))
                    .findFirst().orElseThrow().path("model").path("query").asText();
            assertThat(query).contains("\"store\" = '" + store.id() + "'").contains("\"occupancy\"");
            JsonNode condition = data.stream()
                    .filter(d -> d.path("refId").asText().equals(rule.path("condition").asText()))
                    .findFirst().orElseThrow().path("model");
            assertThat(condition.path("type").asText()).isEqualTo("threshold");
            JsonNode evaluator = condition.path("conditions").get(0).path("evaluator");
            assertThat(evaluator.path("type").asText()).isEqualTo("gt");
            assertThat(evaluator.path("params").get(0).asInt()).as(store.id()).isEqualTo(store.capacity());
        }
    }

    private static void assertWellFormed(JsonNode rule) {
        String title = rule.path("title").asText();
        Map<String, JsonNode> byRef = new HashMap<>();
        for (JsonNode data : rule.path("data")) {
            assertThat(byRef.put(data.path("refId").asText(), data)).as(title + ": unique refId").isNull();
            assertThat(data.path("datasourceUid").asText()).as(title).isIn(DATASOURCE_UID, EXPRESSION_UID);
            assertThat(data.path("model").path("refId").asText()).as(title).isEqualTo(data.path("refId").asText());
            if (data.path("datasourceUid").asText().equals(DATASOURCE_UID)) {
                assertThat(data.path("relativeTimeRange").path("from").asInt()).as(title).isPositive();
            } else {
                assertThat(data.path("model").path("type").asText()).as(title).isIn("reduce", "threshold", "math");
            }
        }
        for (JsonNode data : byRef.values()) {
            String expression = data.path("model").path("expression").asText("");
            if (data.path("datasourceUid").asText().equals(EXPRESSION_UID)
                    && !data.path("model").path("type").asText().equals("math")) {
                assertThat(byRef).as(title + ": expression refers to a refId").containsKey(expression);
            }
        }
        assertThat(byRef).as(title + ": condition").containsKey(rule.path("condition").asText());
        assertThat(rule.path("for").asText()).as(title).matches("\\d+[smh]");
        assertThat(rule.path("noDataState").asText()).as(title).isIn("OK", "NoData", "Alerting", "KeepLast");
        assertThat(rule.path("execErrState").asText()).as(title).isIn("OK", "Error", "Alerting", "KeepLast");
        assertThat(rule.path("annotations").path("summary").asText()).as(title).isNotBlank();
        // Grafana interpolates environment variables in labels: a $ there would be eaten.
        rule.path("labels").forEach(label -> assertThat(label.asText()).as(title + " label").doesNotContain("$"));
    }

    private static void assertReadsWhatTheJobWrites(String where, String text) {
        InfluxQlQuery query = InfluxQlQuery.of(text);
        assertThat(query.problems()).as(where + ": `" + text + "`").isEmpty();
        assertThat(readable.has(query.measurement()))
                .as(where + ": measurement " + query.measurement() + " is one the job or its Flink metric reporter "
                        + "writes, " + readable.all().keySet())
                .isTrue();
        Measurement m = readable.get(query.measurement());
        assertThat(m.fields()).as(where + ": fields of " + m.name()).containsAll(query.fields());
        assertThat(m.tags()).as(where + ": tags of " + m.name()).containsAll(query.tags());
    }

    /** A Flink config.yaml as Flink reads it, its @PLACEHOLDER@s (filled in by scripts) replaced by a word. */
    private static Configuration flinkConfigurationFile(String relative) throws Exception {
        Path dir = Files.createTempDirectory("flink-conf");
        Files.writeString(dir.resolve("config.yaml"),
                Files.readString(GrafanaFiles.path(relative)).replaceAll("@[A-Z_]+@", "placeholder"));
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }

    /** The column names a query sets with AS "...". */
    private static Set<String> aliases(String query) {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("AS\\s+\"([^\"]+)\"", Pattern.CASE_INSENSITIVE).matcher(query);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
