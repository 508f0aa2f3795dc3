package io.o2o.analytics.fence;

import static io.o2o.analytics.fence.TestFences.AISLE;
import static io.o2o.analytics.fence.TestFences.COURTYARD;
import static io.o2o.analytics.fence.TestFences.ENTRANCE;
import static io.o2o.analytics.fence.TestFences.SQUARE;
import static io.o2o.analytics.fence.TestFences.TWIN;
import static io.o2o.analytics.fence.TestFences.catalog;
import static io.o2o.analytics.fence.TestFences.geometry;
import static io.o2o.analytics.fence.TestFences.sensor;
import static io.o2o.analytics.fence.TestFences.store;
import static io.o2o.analytics.fence.TestFences.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FenceCatalogValidationTest {

    /** A bow tie: its two edges cross at (121.4705, 31.2305). */
    private static final String BOW_TIE =
            "POLYGON ((121.47 31.23, 121.471 31.231, 121.471 31.23, 121.47 31.231, 121.47 31.23))";
    /** SQUARE with a "hole" 200 m east of it. */
    private static final String HOLE_OUTSIDE_SHELL = "POLYGON ((121.47 31.23, 121.4710496 31.23,"
            + " 121.4710496 31.2309019, 121.47 31.2309019, 121.47 31.23),"
            + " (121.473 31.2302, 121.473 31.2304, 121.4732 31.2304, 121.4732 31.2302, 121.473 31.2302))";
    /** x 90..100.3, y 40..60 of SQUARE: 0.3 m through the east wall, within tolerance. */
    private static final String ZONE_THROUGH_WALL_BY_0_3 = "POLYGON ((121.4709446 31.2303608,"
            + " 121.4710528 31.2303608, 121.4710528 31.2305412, 121.4709446 31.2305412, 121.4709446 31.2303608))";
    /** x 90..110, y 40..60 of SQUARE: 10 m x 20 m of it outside. */
    private static final String ZONE_THROUGH_WALL_BY_10 = "POLYGON ((121.4709446 31.2303608,"
            + " 121.4711546 31.2303608, 121.4711546 31.2305412, 121.4709446 31.2305412, 121.4709446 31.2303608))";
    /** x 30..50, y 228..242 of COURTYARD: entirely in the courtyard. */
    private static final String ZONE_IN_COURTYARD = "POLYGON ((121.4703149 31.2320564, 121.4705248 31.2320564,"
            + " 121.4705248 31.2321827, 121.4703149 31.2321827, 121.4703149 31.2320564))";
    /** 0.001 degrees wide across the antimeridian, written the way GeoJSON can't represent it. */
    private static final String ACROSS_ANTIMERIDIAN = "POLYGON ((179.9995 -17.0005, -179.9995 -17.0005,"
            + " -179.9995 -16.9995, 179.9995 -16.9995, 179.9995 -17.0005))";
    /** 50 m square on the western edge of the antimeridian. */
    private static final String BY_ANTIMERIDIAN = "POLYGON ((179.9994 -17.0005, 179.9999 -17.0005,"
            + " 179.9999 -17.0000, 179.9994 -17.0000, 179.9994 -17.0005))";
    private static final String POLAR = "POLYGON ((10 85.5, 10.01 85.5, 10.01 85.501, 10 85.501, 10 85.5))";

    @Test
    void aValidFileLoads() throws FenceFileException {
        FenceCatalog catalog = catalog(
                zone("sq-entrance", "sq", "entrance", ENTRANCE), // a zone may come before its store
                store("sq", 30, SQUARE),
                zone("sq-aisle", "sq", "aisle", AISLE),
                zone("sq-edge", "sq", "display", ZONE_THROUGH_WALL_BY_0_3),
                store("twin", 20, TWIN));

        assertThat(catalog.stores()).extracting(StoreFence::id).containsExactly("sq", "twin");
        assertThat(catalog.zonesOf("sq")).extracting(ZoneFence::id)
                .containsExactly("sq-entrance", "sq-aisle", "sq-edge");
        assertThat(catalog.zonesOf("twin")).isEmpty();
        assertThat(catalog.hasStore("sq")).isTrue();
        assertThat(catalog.hasStore("sq-entrance")).isFalse();
        assertThat(catalog.zone("sq-aisle")).hasValueSatisfying(z -> assertThat(z.kind()).isEqualTo("aisle"));
        StoreFence sq = catalog.store("sq").orElseThrow();
        assertThat(sq.nearBufferM()).isEqualTo(30.0);
        assertThat(sq.capacity()).isEqualTo(100);
        assertThat(sq.name()).isEqualTo("Store sq");
        assertThat(sq.area().getGeometryType()).isEqualTo("Polygon");
        assertThat(sq.properties()).containsEntry("timezone", "Asia/Shanghai").containsEntry("capacity", "100");
        assertThat(catalog.zone("sq-aisle").orElseThrow().name()).as("defaults to the id").isEqualTo("sq-aisle");
        assertThat(catalog.store("twin").orElseThrow().area().getGeometryType()).isEqualTo("MultiPolygon");
        assertThat(catalog).hasToString("FenceCatalog[test.geojson: 2 stores, 3 zones, 0 sensors]");
    }

    @Test
    void theCatalogSurvivesJavaSerialization() throws Exception {
        FenceCatalog catalog = catalog(store("sq", 30, SQUARE), zone("sq-aisle", "sq", "aisle", AISLE));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(catalog);
        }
        FenceCatalog copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FenceCatalog) in.readObject();
        }

        assertThat(copy.stores()).isEqualTo(catalog.stores());
        assertThat(copy.zonesOf("sq")).isEqualTo(catalog.zonesOf("sq"));
        assertThat(FenceIndex.build(copy).proximity("sq", 31.230451, 121.4705248).inside()).isTrue();
    }

    // ---- the file as a whole

    @Test
    void malformedJsonSaysWhere() {
        assertFails("{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\" \"properties\": {}}]}")
                .hasMessageStartingWith("test.geojson: malformed JSON at line 3, column 22: Unexpected character");
        assertFails("{\"type\": \"FeatureCollection\", \"features\": [")
                .hasMessageStartingWith("test.geojson: malformed JSON at line 1, column 44: Unexpected end-of-input");
        assertFails("").hasMessage("test.geojson: is empty");
    }

    @Test
    void onlyAFeatureCollectionWillDo() {
        assertFails("{\"type\": \"Feature\", \"properties\": {}}").hasMessage(
                "test.geojson: not a GeoJSON FeatureCollection: top-level \"type\" is \"Feature\"");
        assertFails("[]").hasMessage(
                "test.geojson: not a GeoJSON FeatureCollection: the top level is not a JSON object");
        assertFails("{\"type\": \"FeatureCollection\"}").hasMessage("test.geojson: has no \"features\" array");
    }

    @Test
    void aCollectionNeedsAStore() {
        assertFails(TestFences.collection()).hasMessage("test.geojson: the collection has no store features");
    }

    // ---- what a feature is

    @Test
    void aFeatureMustSayWhetherItIsAStoreOrAZone() throws FenceFileException {
        ObjectNode untyped = store("sq", 30, SQUARE);
        untyped.with("properties").remove("type");
        ObjectNode shop = store("sq", 30, SQUARE);
        shop.with("properties").put("type", "shop");
        ObjectNode noProperties = store("sq", 30, SQUARE);
        noProperties.remove("properties");

        ObjectNode untypedPoint = sensor("sq-beacon", "sq", null, "ble_beacon", 121.4705, 31.2304);
        untypedPoint.with("properties").remove("type");

        // A polygon drawn without a type is a store (geojson.io, QGIS); anything else must say what it is.
        assertThat(catalog(store("ok", 30, TWIN), untyped).stores()).extracting(StoreFence::id).containsExactly("ok", "sq");
        assertFails(store("ok", 30, SQUARE), untypedPoint).hasMessage("test.geojson: feature #1 (id 'sq-beacon'):"
                + " properties.type must be \"store\", \"zone\" or \"sensor\", found nothing");
        assertFails(shop).hasMessageEndingWith("properties.type must be \"store\", \"zone\" or \"sensor\", found \"shop\"");
        assertFails(noProperties).hasMessage("test.geojson: feature #0: has no \"properties\" object");
        assertFails("{\"type\": \"FeatureCollection\", \"features\": [42]}")
                .hasMessage("test.geojson: feature #0: is not a JSON object");
    }

    @Test
    void everyFeatureNeedsItsOwnId() {
        ObjectNode noId = store("sq", 30, SQUARE);
        noId.with("properties").remove("id");
        ObjectNode blankId = store("  ", 30, SQUARE);

        ObjectNode zoneWithoutId = zone("sq-aisle", "sq", "aisle", AISLE);
        zoneWithoutId.with("properties").remove("id");

        assertFails(noId).hasMessage("test.geojson: feature #0: properties.id is missing or blank (name \"Store sq\");"
                + " give every store the id its sensor readings and receipts carry, e.g. \"sh-001\"");
        assertFails(blankId).hasMessageStartingWith("test.geojson: feature #0: properties.id is missing or blank");
        assertFails(store("sq", 30, SQUARE), zoneWithoutId).hasMessage("test.geojson: feature #1: properties.id is"
                + " missing or blank; give every zone the id its sensor readings and receipts carry, e.g. \"sh-001\"");
        assertFails(store("sq", 30, SQUARE), store("twin", 20, TWIN), zone("sq", "sq", "aisle", AISLE))
                .hasMessage("test.geojson: feature #2 (id 'sq'): duplicate id, already used by feature #0");
    }

    @Test
    void exceptionsCarryTheirParts() {
        FenceFileException e = catchFenceFileException(store("sq", 30, SQUARE), store("sq", 30, TWIN));

        assertThat(e.source()).isEqualTo("test.geojson");
        assertThat(e.featureIndex()).hasValue(1);
        assertThat(e.featureId()).hasValue("sq");
        assertThat(e.problem()).isEqualTo("duplicate id, already used by feature #0");
    }

    // ---- geometry

    @Test
    void onlyPolygonsAndMultiPolygonsAreFences() {
        ObjectNode point = store("sq", 30, SQUARE);
        point.set("geometry", json("{\"type\": \"Point\", \"coordinates\": [121.47, 31.23]}"));
        ObjectNode none = store("sq", 30, SQUARE);
        none.putNull("geometry");

        assertFails(point).hasMessage(
                "test.geojson: feature #0 (id 'sq'): geometry must be a Polygon or MultiPolygon, found \"Point\"");
        assertFails(none).hasMessage(
                "test.geojson: feature #0 (id 'sq'): has no geometry; a fence must be a Polygon or MultiPolygon");
        assertFails(withCoordinates("Polygon", "[]")).hasMessageEndingWith("): polygon has no rings");
        assertFails(withCoordinates("MultiPolygon", "[]")).hasMessageEndingWith("): multipolygon has no polygons");
    }

    @Test
    void coordinatesMustBeLonLatInRange() {
        assertFails(withCoordinates("Polygon",
                "[[[121.47, 31.23], [200, 31.23], [121.48, 31.24], [121.47, 31.23]]]")).hasMessage(
                "test.geojson: feature #0 (id 'sq'): position #1 of ring #0 is out of range: [200,31.23]"
                        + " (longitude must be within ±180, latitude within ±90, in that order)");
        // [lat, lon] instead of [lon, lat], the classic mistake
        assertFails(withCoordinates("Polygon",
                "[[[31.23, 121.47], [31.23, 121.48], [31.24, 121.48], [31.23, 121.47]]]"))
                .hasMessageEndingWith("position #0 of ring #0 is out of range: [31.23,121.47]"
                        + " (longitude must be within ±180, latitude within ±90, in that order)");
        // JSON has no Infinity, but a number too large for a double reads as one
        assertFails("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                + " \"properties\": {\"type\": \"store\", \"id\": \"sq\", \"nearBufferM\": 30, \"capacity\": 10},"
                + " \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\":"
                + " [[[[121.47, 31.23], [121.48, 31.23], [121.48, 1e999], [121.47, 31.23]]]]}}]}")
                .hasMessageEndingWith("position #2 of polygon #0, ring #0 is not finite: [121.48, Infinity]");
        assertFails(withCoordinates("Polygon",
                "[[[121.47, 31.23], [121.48, \"31.23\"], [121.48, 31.24], [121.47, 31.23]]]"))
                .hasMessageEndingWith("position #1 of ring #0 must be [lon, lat] numbers, found [121.48,\"31.23\"]");
        assertFails(store("polar", 30, POLAR)).hasMessage("test.geojson: feature #0 (id 'polar'):"
                + " position #0 of ring #0 is at latitude 85.5, beyond the ±85° that fences support");
    }

    @Test
    void ringsMustBeClosed() {
        assertFails(withCoordinates("Polygon", "[[[121.47, 31.23], [121.48, 31.23], [121.48, 31.24]]]"))
                .hasMessageEndingWith("ring #0 has 3 positions; a closed ring needs at least 4");
        assertFails(withCoordinates("Polygon",
                "[[[121.47, 31.23], [121.48, 31.23], [121.48, 31.24], [121.47, 31.24]]]"))
                .hasMessageEndingWith("ring #0 is not closed: its first and last positions differ");
    }

    @Test
    void invalidPolygonsAreReportedWithJtsMessageAndLocation() {
        assertFails(store("bow", 30, BOW_TIE)).hasMessage(
                "test.geojson: feature #0 (id 'bow'): polygon is not valid: Self-intersection at (121.4705, 31.2305)");
        assertFails(store("sq", 30, HOLE_OUTSIDE_SHELL)).hasMessage(
                "test.geojson: feature #0 (id 'sq'): polygon is not valid: Hole lies outside shell at (121.473, 31.2302)");
        assertFails(store("twice", 30, "MULTIPOLYGON (((121.47 31.23, 121.471 31.23, 121.471 31.231, 121.47 31.231,"
                + " 121.47 31.23)), ((121.4705 31.2305, 121.4715 31.2305, 121.4715 31.2315, 121.4705 31.2315,"
                + " 121.4705 31.2305)))"))
                .hasMessageStartingWith("test.geojson: feature #0 (id 'twice'): multipolygon is not valid: ");
    }

    @Test
    void fencesCrossingTheAntimeridianAreRefused() {
        assertFails(store("fiji", 30, ACROSS_ANTIMERIDIAN)).hasMessage("test.geojson: feature #0 (id 'fiji'):"
                + " fence spans 38334.8 km east-west and 0.1 km north-south; fences must be under 20 km across"
                + " (one crossing the antimeridian looks this wide and is not supported)");
        assertFails(store("fiji", 100, BY_ANTIMERIDIAN)).hasMessage("test.geojson: feature #0 (id 'fiji'):"
                + " the near-buffer reaches across the antimeridian (longitude ±180°), which is not supported");
    }

    // ---- store properties

    @Test
    void nearBufferMustBeMetresFromZeroTo500() throws FenceFileException {
        ObjectNode missing = store("sq", 30, SQUARE);
        missing.with("properties").remove("nearBufferM");
        ObjectNode text = store("sq", 30, SQUARE);
        text.with("properties").put("nearBufferM", "40");

        ObjectNode empty = store("sq", 30, SQUARE);
        empty.with("properties").putNull("nearBufferM");

        assertThat(catalog(missing).store("sq").orElseThrow().nearBufferM()).as("absent: the default").isEqualTo(50.0);
        assertThat(catalog(empty).store("sq").orElseThrow().nearBufferM()).as("null: the default").isEqualTo(50.0);
        assertThat(catalog(missing).warnings())
                .containsExactly("1 stores without properties.nearBufferM, near-buffer 50 m assumed: sq");
        assertFails(store("sq", 600, SQUARE)).hasMessage("test.geojson: feature #0 (id 'sq'):"
                + " properties.nearBufferM must be a number of metres from 0 to 500, found 600.0");
        assertFails(store("sq", -1, SQUARE)).hasMessageEndingWith("found -1.0");
        assertFails(text).hasMessageEndingWith("found \"40\"");
    }

    @Test
    void capacityMustBeAWholeNumberNotNegative() throws FenceFileException {
        ObjectNode negative = store("sq", 30, SQUARE);
        negative.with("properties").put("capacity", -5);
        ObjectNode fraction = store("sq", 30, SQUARE);
        fraction.with("properties").put("capacity", 12.5);
        ObjectNode missing = store("sq", 30, SQUARE);
        missing.with("properties").remove("capacity");

        assertFails(negative).hasMessage("test.geojson: feature #0 (id 'sq'):"
                + " properties.capacity must be a whole number of people, 0 or more, found -5");
        assertFails(fraction).hasMessageEndingWith("found 12.5");
        // Absent means unknown, not zero: no capacity-based alert rather than a made-up number.
        FenceCatalog unknown = catalog(missing);
        assertThat(unknown.store("sq").orElseThrow().hasCapacity()).isFalse();
        assertThat(unknown.store("sq").orElseThrow().capacity()).isNull();
        assertThat(unknown.warnings()).containsExactly(
                "1 stores without properties.capacity, capacity unknown (no occupancy-over-capacity alert): sq");
        assertThat(catalog(store("sq", 30, SQUARE)).warnings()).isEmpty();
    }

    @Test
    void openingHoursAndTimezoneMustBeUsable() {
        ObjectNode hours = store("sq", 30, SQUARE);
        hours.with("properties").put("openingHours", "10am-10pm");
        ObjectNode zone = store("sq", 30, SQUARE);
        zone.with("properties").put("timezone", "China/Shanghai");

        assertFails(hours).hasMessageEndingWith(
                "properties.openingHours must look like \"10:00-22:00\" (24-hour HH:mm-HH:mm), found \"10am-10pm\"");
        assertFails(zone).hasMessageEndingWith("properties.timezone must be an IANA time-zone id such as"
                + " \"Asia/Shanghai\", found \"China/Shanghai\"");
    }

    @Test
    void openingHoursMayCrossMidnightButNotOpenAndCloseAtTheSameTime() throws Exception {
        for (String hours : List.of("18:00-02:00", "22:00-00:00", "00:00-24:00", "10:00-22:00")) {
            ObjectNode store = store("sq", 30, SQUARE);
            store.with("properties").put("openingHours", hours);
            assertThat(catalog(store).store("sq").orElseThrow().property("openingHours")).as(hours).contains(hours);
        }
        ObjectNode same = store("sq", 30, SQUARE);
        same.with("properties").put("openingHours", "10:00-10:00");
        assertFails(same).hasMessageEndingWith("properties.openingHours must not open and close at the same time"
                + " (00:00-24:00 is open around the clock), found \"10:00-10:00\"");
        for (String hours : List.of("22:00-24:30", "24:00-02:00", "00:00-00:00")) {
            ObjectNode bad = store("sq", 30, SQUARE);
            bad.with("properties").put("openingHours", hours);
            assertFails(bad).as(hours).hasMessageContaining("properties.openingHours must");
        }
    }

    @Test
    void openingDaysAreDayCodes() throws Exception {
        ObjectNode fridays = store("sq", 30, SQUARE);
        fridays.with("properties").put("openingDays", "FRI");
        assertThat(catalog(fridays).store("sq").orElseThrow().property("openingDays")).contains("FRI");
        ObjectNode weekdays = store("sq", 30, SQUARE);
        weekdays.with("properties").put("openingDays", "MON,TUE,WED,THU,FRI");
        assertThat(catalog(weekdays).stores()).hasSize(1);
        for (String days : List.of("Fri", "MON,,TUE", "MON-FRI", "")) {
            ObjectNode bad = store("sq", 30, SQUARE);
            bad.with("properties").put("openingDays", days);
            assertFails(bad).as(days).hasMessageContaining("properties.openingDays must list days as MON,TUE,WED,THU,FRI,SAT,SUN");
        }
    }

    // ---- zone properties

    @Test
    void aZoneBelongsToAKnownStore() {
        ObjectNode orphan = zone("z", "sq", "aisle", AISLE);
        orphan.with("properties").remove("storeId");

        assertFails(store("sq", 30, SQUARE), zone("z", "nope", "aisle", AISLE)).hasMessage(
                "test.geojson: feature #1 (id 'z'): properties.storeId 'nope' names no store in this collection");
        assertFails(store("sq", 30, SQUARE), orphan)
                .hasMessage("test.geojson: feature #1 (id 'z'): properties.storeId is missing or blank");
    }

    @Test
    void aZoneHasAKnownKind() {
        assertFails(store("sq", 30, SQUARE), zone("z", "sq", "lobby", AISLE)).hasMessage(
                "test.geojson: feature #1 (id 'z'): properties.kind must be one of entrance, aisle, fitting_room,"
                        + " checkout, display, other, found \"lobby\"");
    }

    @Test
    void aZoneLiesWithinItsStore() {
        assertFails(store("sq", 30, SQUARE), zone("z", "sq", "display", ZONE_THROUGH_WALL_BY_10)).hasMessage(
                "test.geojson: feature #1 (id 'z'): zone is not within the footprint of its store 'sq':"
                        + " 200.1 m² of it lies outside (tolerance 0.5 m)"); // 10 m x 20 m, give or take rounding
        assertFails(store("court", 30, COURTYARD), zone("z", "court", "display", ZONE_IN_COURTYARD))
                .hasMessageEndingWith("zone is not within the footprint of its store 'court':"
                        + " 280.0 m² of it lies outside (tolerance 0.5 m)");
    }

    // ---- sensor properties

    @Test
    void aSensorIsAPointInItsStoreForAZoneOfThatStore() throws FenceFileException {
        ObjectNode calibrated = sensor("b2", "sq", null, "wifi_probe", 121.4702, 31.2302);
        calibrated.with("properties").put("rssiAt1mDbm", -59);
        FenceCatalog fences = catalog(store("sq", 30, SQUARE), zone("sq-aisle", "sq", "aisle", AISLE),
                sensor("b1", "sq", "sq-aisle", "ble_beacon", 121.4705, 31.2304), calibrated);

        assertThat(fences.sensorsOf("sq")).extracting(SensorSite::id, SensorSite::zoneId, SensorSite::kind,
                SensorSite::lat, SensorSite::lon, SensorSite::rssiAt1mDbm).containsExactly(
                tuple("b1", "sq-aisle", "ble_beacon", 31.2304, 121.4705, SensorSite.DEFAULT_RSSI_AT_1M_DBM),
                tuple("b2", null, "wifi_probe", 31.2302, 121.4702, -59.0));
        assertThat(fences.sensorsOf("elsewhere")).isEmpty();
    }

    @Test
    void aSensorOutsideItsStoreOrForAnotherStoresZoneIsRefused() {
        ObjectNode shape = sensor("b", "sq", null, "ble_beacon", 121.4705, 31.2304);
        shape.with("geometry").put("type", "Polygon");
        ObjectNode loud = sensor("b", "sq", null, "ble_beacon", 121.4705, 31.2304);
        loud.with("properties").put("rssiAt1mDbm", 40);

        assertFails(store("sq", 30, SQUARE), sensor("b", "sq", null, "ble_beacon", 121.4720, 31.2304)).hasMessage(
                "test.geojson: feature #1 (id 'b'): sensor is not within the footprint of its store 'sq' (tolerance 0.5 m)");
        assertFails(store("sq", 30, SQUARE), store("tw", 30, TWIN), zone("tw-z", "tw", "aisle", TWIN),
                sensor("b", "sq", "tw-z", "ble_beacon", 121.4705, 31.2304))
                .hasMessageEndingWith("properties.zoneId 'tw-z' names no zone of store 'sq'");
        assertFails(store("sq", 30, SQUARE), sensor("b", "nope", null, "ble_beacon", 121.4705, 31.2304))
                .hasMessageEndingWith("properties.storeId 'nope' names no store in this collection");
        assertFails(store("sq", 30, SQUARE), sensor("b", "sq", null, "infrared", 121.4705, 31.2304))
                .hasMessageEndingWith("properties.kind of a sensor must be one of ble_beacon, wearable, wifi_probe,"
                        + " found \"infrared\"");
        assertFails(store("sq", 30, SQUARE), shape)
                .hasMessageEndingWith("a sensor's geometry must be a Point, found \"Polygon\"");
        assertFails(store("sq", 30, SQUARE), loud)
                .hasMessageEndingWith("properties.rssiAt1mDbm must be a number of dBm from -120 to 0, found 40");
    }

    // ---- loading

    @Test
    void loadsFromAFileAndNamesTheFileInMessages(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.geojson");
        Files.writeString(good, "\uFEFF" + TestFences.collection(store("sq", 30, SQUARE)));
        Path bad = dir.resolve("bad.geojson");
        Files.writeString(bad, TestFences.collection(store("sq", 600, SQUARE)));
        Path notUtf8 = dir.resolve("latin1.geojson");
        Files.write(notUtf8, "{\"type\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(FenceCatalog.load(good.toString()).stores()).hasSize(1);
        assertThatThrownBy(() -> FenceCatalog.load(bad.toString()))
                .hasMessageStartingWith("bad.geojson: feature #0 (id 'sq'): properties.nearBufferM");
        assertThatThrownBy(() -> FenceCatalog.load(dir.resolve("missing.geojson").toString()))
                .isInstanceOf(FenceFileException.class)
                .hasMessage("missing.geojson: no such file: " + dir.resolve("missing.geojson"));
        assertThatThrownBy(() -> FenceCatalog.load(notUtf8.toString()))
                .hasMessage("latin1.geojson: is not UTF-8 text");
        assertThatThrownBy(() -> FenceCatalog.load("classpath:fences/atlantis.geojson"))
                .isInstanceOf(FenceFileException.class)
                .hasMessage("atlantis.geojson: not found on the classpath as 'fences/atlantis.geojson'");
    }

    private static ObjectNode withCoordinates(String type, String coordinates) {
        ObjectNode feature = store("sq", 30, SQUARE);
        feature.set("geometry", json("{\"type\": \"" + type + "\", \"coordinates\": " + coordinates + "}"));
        return feature;
    }

    private static JsonNode json(String text) {
        try {
            return TestFences.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(JsonNode... features) {
        return assertFails(TestFences.collection(features));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(String geoJson) {
        return assertThatThrownBy(() -> FenceCatalog.fromGeoJson(geoJson, "test.geojson"))
                .isInstanceOf(FenceFileException.class);
    }

    private static FenceFileException catchFenceFileException(JsonNode... features) {
        try {
            catalog(features);
        } catch (FenceFileException e) {
            return e;
        }
        throw new AssertionError("no FenceFileException");
    }
}
