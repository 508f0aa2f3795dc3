package io.o2o.analytics.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.algorithm.MinimumDiameter;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/** The shipped Shanghai sample: the job's default fences, so it must stay realistic and loadable. */
class SampleCityTest {

    private static final List<String> MALL_CLUSTER = List.of("sh-013", "sh-014", "sh-015", "sh-016", "sh-017");

    private static FenceCatalog catalog;
    private static FenceIndex index;

    @BeforeAll
    static void load() throws FenceFileException {
        catalog = FenceCatalog.load(FenceCatalog.SAMPLE_CITY);
        index = FenceIndex.build(catalog);
    }

    @Test
    void hasThirtyStoresInShanghai() {
        assertThat(catalog.source()).isEqualTo("sample-city.geojson");
        assertThat(catalog.stores()).hasSizeGreaterThanOrEqualTo(25);
        Envelope shanghai = new Envelope(121.40, 121.52, 31.18, 31.25);
        for (StoreFence s : catalog.stores()) {
            assertThat(s.id()).matches("sh-\\d{3}");
            assertThat(shanghai.contains(s.area().getEnvelopeInternal())).as(s.id()).isTrue();
            assertThat(s.nearBufferM()).as(s.id()).isBetween(10.0, 200.0);
            assertThat(s.capacity()).as(s.id()).isPositive();
            assertThat(s.properties()).as(s.id())
                    .containsEntry("timezone", "Asia/Shanghai")
                    .containsKeys("openingHours", "brand", "name");
        }
    }

    @Test
    void everyStoreHasFourToSixZonesIncludingEntranceAndCheckout() {
        for (StoreFence s : catalog.stores()) {
            List<ZoneFence> zones = catalog.zonesOf(s.id());
            assertThat(zones).as(s.id()).hasSizeBetween(4, 6);
            assertThat(zones).as(s.id()).extracting(ZoneFence::kind).contains("entrance", "checkout");
            assertThat(zones).as(s.id()).allSatisfy(z -> assertThat(z.id()).startsWith(s.id() + "-"));
        }
        assertThat(catalog.zones())
                .hasSize(catalog.stores().stream().mapToInt(s -> catalog.zonesOf(s.id()).size()).sum());
    }

    @Test
    void everyZoneLiesStrictlyInsideItsStore() {
        for (ZoneFence z : catalog.zones()) {
            Geometry store = index.storeAreaInMetres(z.storeId());
            Geometry zone = index.frameOf(z.storeId()).toMetres(z.area());
            assertThat(store.covers(zone)).as(z.id()).isTrue();
            assertThat(store.getBoundary().distance(zone)).as(z.id() + " clear of the walls").isGreaterThan(0.5);
        }
    }

    @Test
    void footprintsAreBuildingSizedAndDoNotOverlap() {
        for (StoreFence s : catalog.stores()) {
            Geometry metres = index.storeAreaInMetres(s.id());
            for (int i = 0; i < metres.getNumGeometries(); i++) {
                Geometry building = metres.getGeometryN(i);
                Coordinate[] rectangle = new MinimumDiameter(building).getMinimumRectangle().getCoordinates();
                double side1 = rectangle[0].distance(rectangle[1]);
                double side2 = rectangle[1].distance(rectangle[2]);
                // GPS noise is 5 to 15 m: anything narrower than 35 m could not be told from the street
                assertThat(Math.min(side1, side2)).as(s.id()).isGreaterThanOrEqualTo(34.9);
                assertThat(Math.max(side1, side2)).as(s.id()).isLessThanOrEqualTo(120.1);
            }
        }
        List<StoreFence> stores = catalog.stores();
        for (int a = 0; a < stores.size(); a++) {
            for (int b = a + 1; b < stores.size(); b++) {
                assertThat(stores.get(a).area().intersects(stores.get(b).area()))
                        .as(stores.get(a).id() + " and " + stores.get(b).id()).isFalse();
            }
        }
    }

    @Test
    void theCourtyardStoreHasAHoleThatIsOutside() {
        StoreFence courtyard = catalog.store("sh-011").orElseThrow();
        Polygon area = (Polygon) courtyard.area();
        Point middle = area.getInteriorRingN(0).getCentroid();

        assertThat(area.getNumInteriorRing()).isEqualTo(1);
        StoreProximity p = index.proximity("sh-011", middle.getY(), middle.getX());
        assertThat(p.inside()).isFalse();
        assertThat(p.signedDistanceM()).isCloseTo(12.0, within(0.5)); // the courtyard is 30 m x 24 m
    }

    @Test
    void theTwoBuildingStoreHasZonesInBothBuildings() {
        StoreFence digital = catalog.store("sh-020").orElseThrow();

        assertThat(digital.area().getGeometryType()).isEqualTo("MultiPolygon");
        assertThat(digital.area().getNumGeometries()).isEqualTo(2);
        Map<String, ZoneFence> zones = catalog.zonesOf("sh-020").stream()
                .collect(Collectors.toMap(ZoneFence::kind, Function.identity(), (x, y) -> x));
        Geometry first = digital.area().getGeometryN(0);
        Geometry second = digital.area().getGeometryN(1);
        assertThat(first.covers(zones.get("entrance").area())).isTrue();
        assertThat(second.covers(zones.get("checkout").area())).isTrue();
    }

    @Test
    void theMallStoresAreAllNearSomeoneInTheirCorridor() {
        Point north = catalog.store("sh-014").orElseThrow().area().getCentroid();
        Point south = catalog.store("sh-017").orElseThrow().area().getCentroid();
        double lat = (north.getY() + south.getY()) / 2;
        double lon = (north.getX() + south.getX()) / 2;

        List<StoreProximity> near = index.storesNear(lat, lon);

        assertThat(near).extracting(p -> p.store().id()).contains("sh-014", "sh-017").hasSizeGreaterThanOrEqualTo(3);
        assertThat(near).extracting(p -> p.store().id()).isSubsetOf(MALL_CLUSTER);
        assertThat(near).noneMatch(StoreProximity::inside);
        assertThat(MALL_CLUSTER).allSatisfy(id ->
                assertThat(catalog.store(id).orElseThrow().properties()).containsEntry("mall", "Jing'an Place"));
    }

    @Test
    void theDepartmentStoreHasAnIslandInsideItsAisles() {
        Point island = catalog.zone("sh-003-promo-island").orElseThrow().area().getCentroid();

        assertThat(catalog.zone("sh-003-aisle").orElseThrow().area().covers(island)).isTrue();
        assertThat(index.zoneAt("sh-003", island.getY(), island.getX()))
                .hasValueSatisfying(z -> assertThat(z.id()).isEqualTo("sh-003-promo-island"));
    }
}
