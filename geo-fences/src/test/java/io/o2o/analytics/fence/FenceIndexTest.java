package io.o2o.analytics.fence;

import static io.o2o.analytics.fence.TestFences.AISLE;
import static io.o2o.analytics.fence.TestFences.CHECKOUT;
import static io.o2o.analytics.fence.TestFences.COURTYARD;
import static io.o2o.analytics.fence.TestFences.ENTRANCE;
import static io.o2o.analytics.fence.TestFences.ISLAND;
import static io.o2o.analytics.fence.TestFences.NEIGHBOUR;
import static io.o2o.analytics.fence.TestFences.SQUARE;
import static io.o2o.analytics.fence.TestFences.TROMSO;
import static io.o2o.analytics.fence.TestFences.TWIN;
import static io.o2o.analytics.fence.TestFences.store;
import static io.o2o.analytics.fence.TestFences.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;

/**
 * Points are named by where they are, in metres from the south-west corner of SQUARE (see {@link TestFences});
 * their degrees come from GeographicLib, so the expected distances are measured independently of the index.
 */
class FenceIndexTest {

    private static final Offset<Double> HALF_A_METRE = within(0.5);

    // (lat, lon) of points around SQUARE (x 0..100, y 0..100), NEIGHBOUR (x 110..150, y 0..40)
    private static final double[] SQUARE_CENTRE = {31.230451, 121.4705248};            // x 50, y 50
    private static final double[] ON_SQUARE_EAST_WALL = {31.230451, 121.4710496};      // x 100, y 50
    private static final double[] EAST_OF_SQUARE_BY_20 = {31.230451, 121.4712595};     // x 120, y 50
    private static final double[] BETWEEN_3_AND_7 = {31.2301804, 121.4710811};         // x 103, y 20
    private static final double[] BETWEEN_8_AND_2 = {31.2301804, 121.4711336};         // x 108, y 20
    private static final double[] SOUTH_WEST_BY_20_20 = {31.2298196, 121.4697901};     // x -20, y -20
    private static final double[] SOUTH_WEST_BY_25_25 = {31.2297745, 121.4697376};     // x -25, y -25
    // COURTYARD: x 0..80, y 200..270, courtyard x 25..55, y 223..247
    private static final double[] MIDDLE_OF_COURTYARD = {31.2321195, 121.4704198};     // x 40, y 235
    private static final double[] WEST_WING = {31.2321195, 121.470105};                // x 10, y 235
    // TWIN: x 300..340 and 350..395, y 0..50
    private static final double[] IN_FIRST_BUILDING = {31.2302255, 121.4733587};       // x 320, y 25
    private static final double[] IN_SECOND_BUILDING = {31.2302255, 121.4739098};      // x 372.5, y 25
    private static final double[] IN_THE_LANE = {31.2302255, 121.4736211};             // x 345, y 25
    // zones of SQUARE
    private static final double[] ON_THE_ISLAND = SQUARE_CENTRE;                       // x 50, y 50
    private static final double[] IN_THE_AISLE = {31.2302706, 121.4702099};            // x 20, y 30
    private static final double[] IN_THE_ENTRANCE = {31.2300271, 121.4705248};         // x 50, y 3
    private static final double[] IN_NO_ZONE = {31.2308568, 121.4700525};              // x 5, y 95
    private static final double[] BEIJING = {39.9042, 116.4074};

    private static FenceIndex index;

    @BeforeAll
    static void buildIndex() throws FenceFileException {
        index = FenceIndex.build(TestFences.catalog(
                store("square", 30, SQUARE),
                zone("square-entrance", "square", "entrance", ENTRANCE),
                zone("square-aisle", "square", "aisle", AISLE),
                zone("square-island", "square", "display", ISLAND),
                zone("square-checkout", "square", "checkout", CHECKOUT),
                store("neighbour", 30, NEIGHBOUR),
                store("courtyard", 20, COURTYARD),
                store("twin", 20, TWIN),
                store("tromso", 30, TROMSO)));
    }

    @Test
    void pointInsideIsInsideAtItsDepth() {
        StoreProximity p = index.proximity("square", SQUARE_CENTRE[0], SQUARE_CENTRE[1]);

        assertThat(p.inside()).isTrue();
        assertThat(p.signedDistanceM()).isCloseTo(-50.0, HALF_A_METRE);
        assertThat(p.depthInsideM()).isCloseTo(50.0, HALF_A_METRE);
    }

    @Test
    void pointOutsideIsAtAPositiveDistance() {
        StoreProximity p = index.proximity("square", EAST_OF_SQUARE_BY_20[0], EAST_OF_SQUARE_BY_20[1]);

        assertThat(p.inside()).isFalse();
        assertThat(p.signedDistanceM()).isCloseTo(20.0, HALF_A_METRE);
        assertThat(p.depthInsideM()).isZero();
    }

    @Test
    void pointOnTheWallIsInsideAtDistanceZero() {
        StoreProximity p = index.proximity("square", ON_SQUARE_EAST_WALL[0], ON_SQUARE_EAST_WALL[1]);

        assertThat(p.signedDistanceM()).isEqualTo(0.0);
        assertThat(p.inside()).isTrue();
        assertThat(index.storesNear(ON_SQUARE_EAST_WALL[0], ON_SQUARE_EAST_WALL[1]))
                .first().satisfies(first -> assertThat(first.store().id()).isEqualTo("square"));
    }

    @Test
    void aHundredMetreSquareIsAHundredMetresWideInTromsoToo() {
        // Same square, same point 20 m east of the east wall, at 69.65 N.
        StoreProximity east = index.proximity("tromso", 69.6504482, 18.9530907);
        StoreProximity centre = index.proximity("tromso", 69.6504482, 18.9512878);
        StoreProximity onWall = index.proximity("tromso", 69.6504482, 18.9525756);

        assertThat(east.signedDistanceM()).isCloseTo(20.0, HALF_A_METRE);
        assertThat(centre.signedDistanceM()).isCloseTo(-50.0, HALF_A_METRE);
        assertThat(onWall.signedDistanceM()).isCloseTo(0.0, within(0.01));
        assertThat(index.storeAreaInMetres("tromso").getArea()).isCloseTo(10_000.0, withinPercentage(0.5));
    }

    @Test
    void aPointInTheCourtyardIsOutsideTheStore() {
        StoreProximity inCourtyard = index.proximity("courtyard", MIDDLE_OF_COURTYARD[0], MIDDLE_OF_COURTYARD[1]);
        StoreProximity inWing = index.proximity("courtyard", WEST_WING[0], WEST_WING[1]);

        // 12 m to the courtyard's north and south walls, 15 m to its east and west walls
        assertThat(inCourtyard.inside()).isFalse();
        assertThat(inCourtyard.signedDistanceM()).isCloseTo(12.0, HALF_A_METRE);
        // 10 m to the outer west wall, 15 m to the courtyard
        assertThat(inWing.signedDistanceM()).isCloseTo(-10.0, HALF_A_METRE);
        assertThat(index.storesNear(MIDDLE_OF_COURTYARD[0], MIDDLE_OF_COURTYARD[1]))
                .extracting(p -> p.store().id()).containsExactly("courtyard");
    }

    @Test
    void bothBuildingsOfAMultiPolygonAreTheStore() {
        StoreProximity first = index.proximity("twin", IN_FIRST_BUILDING[0], IN_FIRST_BUILDING[1]);
        StoreProximity second = index.proximity("twin", IN_SECOND_BUILDING[0], IN_SECOND_BUILDING[1]);
        StoreProximity lane = index.proximity("twin", IN_THE_LANE[0], IN_THE_LANE[1]);

        assertThat(first.signedDistanceM()).isCloseTo(-20.0, HALF_A_METRE);
        assertThat(second.signedDistanceM()).isCloseTo(-22.5, HALF_A_METRE);
        assertThat(lane.signedDistanceM()).isCloseTo(5.0, HALF_A_METRE);
    }

    @Test
    void overlappingNearBuffersAreListedNearestFirst() {
        List<StoreProximity> nearSquare = index.storesNear(BETWEEN_3_AND_7[0], BETWEEN_3_AND_7[1]);
        List<StoreProximity> nearNeighbour = index.storesNear(BETWEEN_8_AND_2[0], BETWEEN_8_AND_2[1]);
        List<StoreProximity> inSquare = index.storesNear(SQUARE_CENTRE[0], SQUARE_CENTRE[1]);

        assertThat(nearSquare).extracting(p -> p.store().id()).containsExactly("square", "neighbour");
        assertThat(nearSquare.get(0).signedDistanceM()).isCloseTo(3.0, HALF_A_METRE);
        assertThat(nearSquare.get(1).signedDistanceM()).isCloseTo(7.0, HALF_A_METRE);
        assertThat(nearNeighbour).extracting(p -> p.store().id()).containsExactly("neighbour", "square");
        // 60 m from NEIGHBOUR's west wall: beyond its 30 m buffer
        assertThat(inSquare).extracting(p -> p.store().id()).containsExactly("square");
    }

    @Test
    void theBufferIsRoundAtTheCorners() {
        // 28.3 m from the corner: near; 35.4 m: not near, although inside the buffered bounding box
        assertThat(index.storesNear(SOUTH_WEST_BY_20_20[0], SOUTH_WEST_BY_20_20[1]))
                .singleElement().satisfies(p -> assertThat(p.signedDistanceM()).isCloseTo(28.28, HALF_A_METRE));
        assertThat(index.storesNear(SOUTH_WEST_BY_25_25[0], SOUTH_WEST_BY_25_25[1])).isEmpty();
    }

    @Test
    void farAwayIsNearNothingButStillHasADistance() {
        assertThat(index.storesNear(BEIJING[0], BEIJING[1])).isEmpty();
        assertThat(index.storesNear(-33.87, 151.21)).isEmpty();

        // about 1070 km from Shanghai to Beijing; the flat frame is not meant for this, only "large"
        assertThat(index.proximity("square", BEIJING[0], BEIJING[1]).signedDistanceM()).isGreaterThan(900_000);
    }

    @Test
    void zoneAtPrefersTheSmallestOfNestedZones() {
        assertThat(index.zoneAt("square", ON_THE_ISLAND[0], ON_THE_ISLAND[1]))
                .hasValueSatisfying(z -> assertThat(z.id()).isEqualTo("square-island"));
        assertThat(index.zoneAt("square", IN_THE_AISLE[0], IN_THE_AISLE[1]))
                .hasValueSatisfying(z -> assertThat(z.id()).isEqualTo("square-aisle"));
        assertThat(index.zoneAt("square", IN_THE_ENTRANCE[0], IN_THE_ENTRANCE[1]))
                .hasValueSatisfying(z -> assertThat(z.kind()).isEqualTo("entrance"));
        assertThat(index.zoneAt("square", IN_NO_ZONE[0], IN_NO_ZONE[1])).isEmpty();
        assertThat(index.zoneAt("square", EAST_OF_SQUARE_BY_20[0], EAST_OF_SQUARE_BY_20[1])).isEmpty();
        assertThat(index.zoneAt("courtyard", MIDDLE_OF_COURTYARD[0], MIDDLE_OF_COURTYARD[1])).isEmpty();
    }

    @Test
    void theStoreFrameIsCentredOnItsFootprint() {
        LocalMetricFrame frame = index.frameOf("square");
        Geometry metres = index.storeAreaInMetres("square");

        assertThat(frame.lat0()).isCloseTo(31.23045095, within(1e-8));
        assertThat(frame.lon0()).isCloseTo(121.4705248, within(1e-7));
        assertThat(metres.getArea()).isCloseTo(10_000.0, withinPercentage(0.2));
        assertThat(metres.getEnvelopeInternal().getMinX()).isCloseTo(-50.0, HALF_A_METRE);
    }

    @Test
    void storeAreaInMetresIsACopy() {
        index.storeAreaInMetres("square").getCoordinates()[0].x = 1e6;

        assertThat(index.storeAreaInMetres("square").getArea()).isCloseTo(10_000.0, withinPercentage(0.2));
    }

    @Test
    void unknownStoresAndImpossibleCoordinatesAreRefused() {
        assertThatThrownBy(() -> index.proximity("nope", 31.23, 121.47))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no store 'nope' in test.geojson");
        assertThatThrownBy(() -> index.zoneAt("nope", 31.23, 121.47)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.frameOf("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.storesNear(Double.NaN, 121.47))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latitude must be within ±90°, got NaN");
        assertThatThrownBy(() -> index.storesNear(31.23, 200))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("longitude must be within ±180°, got 200.0");
    }

    @Test
    void oneIndexAnswersManyThreadsAlike() throws Exception {
        List<double[]> points = List.of(SQUARE_CENTRE, BETWEEN_3_AND_7, BETWEEN_8_AND_2, MIDDLE_OF_COURTYARD,
                IN_THE_LANE, IN_THE_AISLE, BEIJING);
        List<String> expected = points.stream().map(p -> answer(index, p)).toList();
        // A fresh index, so that the threads race on anything still lazily initialised.
        FenceIndex fresh = FenceIndex.build(index.catalog());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> futures = IntStream.range(0, 8)
                    .mapToObj(t -> pool.submit(() -> IntStream.range(0, 500)
                            .mapToObj(i -> answer(fresh, points.get((i + t) % points.size())))
                            .toList()))
                    .toList();
            for (int t = 0; t < futures.size(); t++) {
                List<String> answers = futures.get(t).get();
                for (int i = 0; i < answers.size(); i++) {
                    assertThat(answers.get(i)).isEqualTo(expected.get((i + t) % points.size()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String answer(FenceIndex index, double[] point) {
        return index.storesNear(point[0], point[1]) + " " + index.zoneAt("square", point[0], point[1]);
    }
}
