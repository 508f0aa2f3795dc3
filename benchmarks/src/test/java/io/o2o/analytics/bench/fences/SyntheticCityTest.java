package io.o2o.analytics.bench.fences;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceIndex;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;

/** The benchmark's input, checked for what it claims; nothing here is timed. */
class SyntheticCityTest {

    @Test
    void sameSeedSameCity() {
        SyntheticCity a = SyntheticCity.generate(200, 64, 7);
        SyntheticCity b = SyntheticCity.generate(200, 64, 7);

        assertThat(a.stores()).isEqualTo(b.stores());
        assertThat(IntStream.range(0, 64).mapToDouble(a::lat).toArray())
                .isEqualTo(IntStream.range(0, 64).mapToDouble(b::lat).toArray());
    }

    @Test
    void theJobReadsTheSameFootprintsThatPlainJtsIsGiven() {
        SyntheticCity city = SyntheticCity.generate(500, 2, 7);
        FenceCatalog catalog = city.catalog();

        assertThat(catalog.stores()).hasSize(500);
        assertThat(catalog.stores().get(17).area().equalsExact(city.stores().get(17), 1e-9)).isTrue();
        assertThat(catalog.stores().get(17).nearBufferM()).isEqualTo(SyntheticCity.NEAR_BUFFER_M);
    }

    @Test
    void theFenceIndexAndPlainJtsAgreeOnWhatContainsAPoint() {
        SyntheticCity city = SyntheticCity.generate(1_000, 4_096, 7);
        FenceIndex index = FenceIndex.build(city.catalog());
        GeometryFactory wgs84 = new GeometryFactory();
        int inside = 0;
        int near = 0;
        for (int i = 0; i < city.points(); i++) {
            var point = wgs84.createPoint(new Coordinate(city.lon(i), city.lat(i)));
            long containing = city.stores().stream().filter(s -> s.contains(point)).count();
            long deepInside = index.storesNear(city.lat(i), city.lon(i)).stream()
                    .filter(p -> p.signedDistanceM() < -0.5).count();
            // A point half a metre or more inside a footprint is inside in both; JTS may add points on or
            // within rounding of a wall.
            assertThat(containing).isGreaterThanOrEqualTo(deepInside);
            inside += containing > 0 ? 1 : 0;
            near += index.storesNear(city.lat(i), city.lon(i)).isEmpty() ? 0 : 1;
        }
        // Half the points are thrown within 50 m of a store: enough hits that no benchmark measures only misses.
        assertThat(inside).isGreaterThan(city.points() / 40);
        assertThat(near).isGreaterThan(city.points() / 5);
    }
}
