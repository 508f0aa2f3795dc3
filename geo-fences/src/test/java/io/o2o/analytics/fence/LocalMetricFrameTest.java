package io.o2o.analytics.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;

class LocalMetricFrameTest {

    @Test
    void aHundredMetresEastInTromsoIsAHundredMetres() {
        // GeographicLib: 100 m from (69.65, 18.95) at azimuth 90 lands on (69.649999981, 18.952575580).
        LocalMetricFrame tromso = LocalMetricFrame.centredOn(69.65, 18.95);

        Coordinate c = tromso.toMetres(69.649999981, 18.952575580);

        assertThat(c.x).isCloseTo(100.0, within(1.0));
        assertThat(c.y).isCloseTo(0.0, within(0.01));
    }

    @Test
    void degreesInShanghaiMatchTheEllipsoid() {
        // GeographicLib: 0.01 degree east at 31.23 N is 952.743 m, 0.01 degree north is 1108.735 m.
        LocalMetricFrame shanghai = LocalMetricFrame.centredOn(31.23, 121.47);

        assertThat(shanghai.toMetres(31.23, 121.48).x).isCloseTo(952.743, within(0.05));
        assertThat(shanghai.toMetres(31.24, 121.47).y).isCloseTo(1108.735, within(0.2));
    }

    @ParameterizedTest(name = "3 km north-east of latitude {0}")
    @CsvSource({
        // GeographicLib: the end of a 3000 m geodesic from (lat, 10.0) at azimuth 45
        "0.0,   0.019184573, 10.019056146",
        "31.23, 31.249130855, 10.022269894",
        "45.0,  45.019085130, 10.026913254",
        "69.65, 69.669006947, 10.054685181",
        "80.0,  80.018980139, 10.109589052",
        "84.9,  84.918958359, 10.214451078"})
    void distancesOfAFewKilometresAreWellUnderOnePercentOff(double lat0, double lat, double lon) {
        Coordinate c = LocalMetricFrame.centredOn(lat0, 10.0).toMetres(lat, lon);

        assertThat(Math.hypot(c.x, c.y)).isCloseTo(3000.0, withinPercentage(0.2));
    }

    @Test
    void toLatLonUndoesToMetres() {
        LocalMetricFrame frame = LocalMetricFrame.centredOn(31.23, 121.47);

        Coordinate c = frame.toMetres(31.2345678, 121.4654321);
        double[] latLon = frame.toLatLon(c.x, c.y);

        assertThat(latLon[0]).isCloseTo(31.2345678, within(1e-10));
        assertThat(latLon[1]).isCloseTo(121.4654321, within(1e-10));
    }

    @Test
    void measuresTheShortWayRoundTheAntimeridian() {
        LocalMetricFrame fiji = LocalMetricFrame.centredOn(-17.0, 179.9995);

        Coordinate c = fiji.toMetres(-17.0, -179.9995);

        assertThat(c.x).isCloseTo(106.5, within(0.5));
        assertThat(fiji.toLatLon(c.x, c.y)[1]).isCloseTo(-179.9995, within(1e-9));
    }

    @Test
    void projectsGeometriesIntoACopy() {
        Geometry square = TestFences.read(TestFences.SQUARE);
        LocalMetricFrame frame = LocalMetricFrame.centredOn(31.23, 121.47);

        Geometry metres = frame.toMetres(square);

        assertThat(metres.getArea()).isCloseTo(10_000.0, withinPercentage(0.1));
        assertThat(metres.getSRID()).isZero();
        assertThat(square.getCoordinates()[1].x).isEqualTo(121.4710496);
    }

    @Test
    void refusesFramesNearThePoles() {
        assertThatThrownBy(() -> LocalMetricFrame.centredOn(85.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latitude must be within ±85.0° for a local metric frame, got 85.5");
        assertThatThrownBy(() -> LocalMetricFrame.centredOn(Double.NaN, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalMetricFrame.centredOn(0, 181))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("longitude must be within ±180°, got 181.0");
    }
}
