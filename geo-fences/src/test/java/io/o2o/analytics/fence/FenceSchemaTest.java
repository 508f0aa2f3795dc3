package io.o2o.analytics.fence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema is for editors and other tools; these tests keep it in step with the sample and the loader. */
class FenceSchemaTest {

    private static JsonNode schemaJson;
    private static JsonSchema schema;

    @BeforeAll
    static void readSchema() throws IOException {
        schemaJson = resource("fences/fence-collection.schema.json");
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson);
    }

    @Test
    void isDraft2020_12AndNamesTheRequiredProperties() {
        assertThat(schemaJson.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(texts(schemaJson.at("/$defs/storeProperties/required")))
                .as("a polygon drawn with an id only is a store").containsExactly("id");
        assertThat(texts(schemaJson.at("/$defs/zoneProperties/required")))
                .containsExactlyInAnyOrder("type", "id", "storeId", "kind");
        assertThat(texts(schemaJson.at("/$defs/sensorProperties/required")))
                .containsExactlyInAnyOrder("type", "id", "storeId", "kind");
    }

    @Test
    void agreesWithTheLoadersLimits() {
        assertThat(texts(schemaJson.at("/$defs/zoneProperties/properties/kind/enum"))).isEqualTo(ZoneFence.KINDS);
        assertThat(texts(schemaJson.at("/$defs/sensorProperties/properties/kind/enum"))).isEqualTo(SensorSite.KINDS);
        assertThat(schemaJson.at("/$defs/sensorProperties/properties/rssiAt1mDbm/minimum").asDouble())
                .isEqualTo(GeoJsonFenceReader.MIN_RSSI_AT_1M_DBM);
        JsonNode buffer = schemaJson.at("/$defs/storeProperties/properties/nearBufferM");
        assertThat(buffer.path("minimum").asDouble()).isZero();
        assertThat(buffer.path("maximum").asDouble()).isEqualTo(GeoJsonFenceReader.MAX_NEAR_BUFFER_M);
        assertThat(schemaJson.at("/$defs/position/prefixItems/1/maximum").asDouble())
                .isEqualTo(LocalMetricFrame.MAX_ABS_LATITUDE);
    }

    @Test
    void fencesAsDrawnInGeojsonIoAndQgisAreValid() throws IOException {
        assertThat(schema.validate(resource("drawn/geojson-io-stores.geojson"))).isEmpty();
        assertThat(schema.validate(resource("drawn/qgis-stores.geojson"))).isEmpty();
    }

    @Test
    void theSampleCityIsValid() throws IOException {
        Set<ValidationMessage> errors = schema.validate(resource("fences/sample-city.geojson"));

        assertThat(errors).isEmpty();
    }

    @Test
    void catchesWhatItCan() {
        ObjectNode store = TestFences.store("sq", 600, TestFences.SQUARE);
        ObjectNode zone = TestFences.zone("z", "sq", "lobby", TestFences.AISLE);
        ObjectNode swapped = TestFences.store("swapped", 30, "POLYGON ((31.23 121.47, 31.24 121.47, 31.24 121.48,"
                + " 31.23 121.48, 31.23 121.47))");

        assertThat(schema.validate(json(TestFences.collection(store)))).isNotEmpty();
        assertThat(schema.validate(json(TestFences.collection(TestFences.store("sq", 30, TestFences.SQUARE), zone))))
                .isNotEmpty();
        assertThat(schema.validate(json(TestFences.collection(swapped)))).isNotEmpty();
        assertThat(schema.validate(json(TestFences.collection()))).as("no store").isNotEmpty();
        assertThat(schema.validate(json(TestFences.collection(TestFences.store("sq", 30, TestFences.SQUARE)))))
                .isEmpty();
    }

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = FenceSchemaTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return TestFences.JSON.readTree(in);
        }
    }

    private static JsonNode json(String text) {
        try {
            return TestFences.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
