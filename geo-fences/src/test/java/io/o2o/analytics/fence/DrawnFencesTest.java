package io.o2o.analytics.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fence files as a retailer draws them: exported from geojson.io or QGIS, with a name and an id per store and none
 * of this project's own properties. They load, with documented defaults and a warning naming what was assumed.
 */
class DrawnFencesTest {
    static final String GEOJSON_IO = "classpath:drawn/geojson-io-stores.geojson";
    static final String QGIS = "classpath:drawn/qgis-stores.geojson";

    @Test
    void aGeojsonIoExportLoadsAsStoresWithTheDefaultNearBufferAndNoCapacity() throws Exception {
        FenceCatalog catalog = FenceCatalog.load(GEOJSON_IO);

        assertThat(catalog.stores()).extracting(StoreFence::id, StoreFence::name).containsExactly(
                tuple("nj-101", "Jade Lane Nanjing Rd"),
                tuple("nj-102", "Pearl Tea Nanjing Rd"));
        assertThat(catalog.stores()).allSatisfy(store -> {
            assertThat(store.nearBufferM()).isEqualTo(GeoJsonFenceReader.DEFAULT_NEAR_BUFFER_M).isEqualTo(50.0);
            assertThat(store.hasCapacity()).isFalse();
            assertThat(store.capacity()).isNull();
        });
        assertThat(catalog.store("nj-102").orElseThrow().property("fill")).contains("#7e7e7e");
        assertThat(catalog.warnings()).containsExactly(
                "2 features without properties.type, read as stores (they are polygons): nj-101, nj-102",
                "2 stores without properties.nearBufferM, near-buffer 50 m assumed: nj-101, nj-102",
                "2 stores without properties.capacity, capacity unknown (no occupancy-over-capacity alert): nj-101,"
                        + " nj-102");

        // The defaults are in effect: a device 30 m south of nj-101 is near it, one 70 m south is not.
        FenceIndex index = FenceIndex.build(catalog);
        double metresPerDegreeLat = LocalMetricFrame.around(catalog.store("nj-101").orElseThrow().area())
                .metresPerDegreeLatitude();
        assertThat(index.storesNear(31.235 - 30 / metresPerDegreeLat, 121.4803))
                .extracting(p -> p.store().id()).contains("nj-101");
        assertThat(index.storesNear(31.235 - 70 / metresPerDegreeLat, 121.4803))
                .extracting(p -> p.store().id()).doesNotContain("nj-101");
    }

    @Test
    void aDrawingWithNamesButNoIdsIsRefusedNamingTheFeature() throws Exception {
        JsonNode drawn = TestFences.JSON.readTree(resource("drawn/geojson-io-stores.geojson"));
        drawn.get("features").forEach(f -> ((ObjectNode) f.get("properties")).remove("id"));

        assertThatThrownBy(() -> FenceCatalog.fromGeoJson(drawn.toString(), "drawn.geojson"))
                .isInstanceOf(FenceFileException.class)
                .hasMessage("drawn.geojson: feature #0: properties.id is missing or blank (name \"Jade Lane Nanjing Rd\");"
                        + " give every store the id its sensor readings and receipts carry, e.g. \"sh-001\"");
    }

    @Test
    void aQgisExportWithItsCrsMultiPolygonsWholeNumberIdsAndEmptyCellsLoads() throws Exception {
        FenceCatalog catalog = FenceCatalog.load(QGIS);

        assertThat(catalog.stores()).extracting(StoreFence::id).containsExactly("101", "102");
        StoreFence flagship = catalog.store("101").orElseThrow();
        assertThat(flagship.area().getGeometryType()).isEqualTo("MultiPolygon");
        assertThat(flagship.capacity()).isEqualTo(300);
        assertThat(flagship.nearBufferM()).as("an empty cell").isEqualTo(GeoJsonFenceReader.DEFAULT_NEAR_BUFFER_M);
        StoreFence outlet = catalog.store("102").orElseThrow();
        assertThat(outlet.area().getNumGeometries()).isEqualTo(2);
        assertThat(outlet.hasCapacity()).isFalse();
        assertThat(outlet.nearBufferM()).isEqualTo(80.0);
        assertThat(flagship.properties()).containsEntry("fid", "1").doesNotContainKey("nearBufferM");
        assertThat(catalog.warnings()).containsExactly(
                "2 features without properties.type, read as stores (they are polygons): 101, 102",
                "1 stores without properties.nearBufferM, near-buffer 50 m assumed: 101",
                "1 stores without properties.capacity, capacity unknown (no occupancy-over-capacity alert): 102");
    }

    @Test
    void aCrsOtherThanWgs84IsRefused() throws Exception {
        String metres = resource("drawn/qgis-stores.geojson")
                .replace("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::3857");

        assertThatThrownBy(() -> FenceCatalog.fromGeoJson(metres, "stores.geojson"))
                .hasMessage("stores.geojson: \"crs\" is 'urn:ogc:def:crs:EPSG::3857'; fences must be WGS84"
                        + " longitude/latitude (EPSG:4326, CRS84): save the layer again in that CRS (QGIS: Export >"
                        + " Save Features As..., CRS \"EPSG:4326 - WGS 84\")");
        for (String wgs84 : new String[] {"urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "urn:ogc:def:crs:OGC::CRS84"}) {
            String text = resource("drawn/qgis-stores.geojson").replace("urn:ogc:def:crs:OGC:1.3:CRS84", wgs84);
            assertThat(FenceCatalog.fromGeoJson(text, "stores.geojson").stores()).as(wgs84).hasSize(2);
        }
    }

    @Test
    void aCompleteFileHasNoWarnings() throws Exception {
        assertThat(FenceCatalog.load(FenceCatalog.SAMPLE_CITY).warnings()).isEmpty();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DrawnFencesTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
