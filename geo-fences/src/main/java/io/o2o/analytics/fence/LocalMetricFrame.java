package io.o2o.analytics.fence;

import java.io.Serializable;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * A flat frame in metres around one point: x east, y north, origin at (lat0, lon0).
 *
 * <p>Distances on a store's scale need metres, and degrees of longitude shrink with cos(latitude) (a degree is
 * 95 km east-west in Shanghai, 39 km in Tromsø), so every distance is measured in a frame centred on the store.
 * The frame is equirectangular with the WGS84 ellipsoid's radii of curvature at lat0, which removes the ~0.5%
 * error of a spherical Earth. Within a few km of the centre the error stays well under 1% below 85° latitude
 * (it grows with tan(lat) times the north-south offset); frames beyond ±85° are refused.
 *
 * <p>The mapping is affine in (lat, lon), so a box of ±d metres around a footprint is exactly a box of
 * ±d / {@link #metresPerDegreeLatitude()} by ±d / {@link #metresPerDegreeLongitude()} degrees: the fence index
 * relies on this to make its degree-based pre-filter agree with its metric distances.
 */
public final class LocalMetricFrame implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Beyond this the frame is refused: tan(lat) makes its error grow fast, and cos(lat) reaches 0 at the pole. */
    public static final double MAX_ABS_LATITUDE = 85.0;

    private static final double WGS84_A = 6_378_137.0;
    private static final double WGS84_F = 1 / 298.257223563;
    private static final double WGS84_E2 = WGS84_F * (2 - WGS84_F);

    /** Metric geometries are in no geographic reference system, hence SRID 0. */
    static final GeometryFactory METRIC = new GeometryFactory(new PrecisionModel(), 0);

    private final double lat0;
    private final double lon0;
    private final double metresPerDegreeLat;
    private final double metresPerDegreeLon;

    private LocalMetricFrame(double lat0, double lon0) {
        this.lat0 = lat0;
        this.lon0 = lon0;
        double phi = Math.toRadians(lat0);
        double w = 1 - WGS84_E2 * Math.sin(phi) * Math.sin(phi);
        double meridianRadius = WGS84_A * (1 - WGS84_E2) / (w * Math.sqrt(w));
        double primeVerticalRadius = WGS84_A / Math.sqrt(w);
        this.metresPerDegreeLat = Math.toRadians(meridianRadius);
        this.metresPerDegreeLon = Math.toRadians(primeVerticalRadius * Math.cos(phi));
    }

    /** @throws IllegalArgumentException if lat is beyond ±85° or either value is out of range or not finite */
    public static LocalMetricFrame centredOn(double lat, double lon) {
        if (!(Math.abs(lat) <= MAX_ABS_LATITUDE)) {
            throw new IllegalArgumentException(
                    "latitude must be within ±" + MAX_ABS_LATITUDE + "° for a local metric frame, got " + lat);
        }
        requireLongitude(lon);
        return new LocalMetricFrame(lat, lon);
    }

    /** The frame every part of the library uses for a fence: centred on the middle of its bounding box. */
    static LocalMetricFrame around(Geometry wgs84) {
        Envelope e = wgs84.getEnvelopeInternal();
        return centredOn(e.centre().y, e.centre().x);
    }

    static void requireLongitude(double lon) {
        if (!(Math.abs(lon) <= 180)) {
            throw new IllegalArgumentException("longitude must be within ±180°, got " + lon);
        }
    }

    public double lat0() {
        return lat0;
    }

    public double lon0() {
        return lon0;
    }

    public double metresPerDegreeLatitude() {
        return metresPerDegreeLat;
    }

    public double metresPerDegreeLongitude() {
        return metresPerDegreeLon;
    }

    /** x east, y north, in metres from the centre. */
    public Coordinate toMetres(double lat, double lon) {
        return new Coordinate(x(lon), y(lat));
    }

    /** The inverse of {@link #toMetres(double, double)}: {lat, lon}, longitude wrapped into [-180, 180). */
    public double[] toLatLon(double xMetres, double yMetres) {
        double lon = wrapLongitude(lon0 + xMetres / metresPerDegreeLon);
        return new double[] {lat0 + yMetres / metresPerDegreeLat, lon};
    }

    /** A copy of a WGS84 geometry (x = lon, y = lat) in this frame; the input is left untouched. */
    public Geometry toMetres(Geometry wgs84) {
        Geometry copy = METRIC.createGeometry(wgs84);
        copy.apply(new CoordinateSequenceFilter() {
            @Override
            public void filter(CoordinateSequence seq, int i) {
                double lon = seq.getX(i);
                double lat = seq.getY(i);
                seq.setOrdinate(i, CoordinateSequence.X, x(lon));
                seq.setOrdinate(i, CoordinateSequence.Y, y(lat));
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }

    /** Measured the short way round, so that a point just across the antimeridian is near, not 40 000 km away. */
    private double x(double lon) {
        return wrapLongitude(lon - lon0) * metresPerDegreeLon;
    }

    private double y(double lat) {
        return (lat - lat0) * metresPerDegreeLat;
    }

    private static double wrapLongitude(double degrees) {
        return degrees - 360 * Math.floor((degrees + 180) / 360);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalMetricFrame f
                && Double.compare(f.lat0, lat0) == 0 && Double.compare(f.lon0, lon0) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(lat0) + Double.hashCode(lon0);
    }

    @Override
    public String toString() {
        return "LocalMetricFrame[lat0=" + lat0 + ", lon0=" + lon0 + "]";
    }
}
