package io.o2o.analytics.bench.fences;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/**
 * A deterministic city of store fences for the lookup benchmarks: {@code stores} rectangles of 15 to 60 m a
 * side, a third of them turned by up to 45 degrees (so not every fence is its own bounding box), spread
 * uniformly over 20 x 20 km around central Shanghai; and query points of which half fall within 50 m (each way) of a
 * store's centre (phones near shops, where the answers are not empty) and half anywhere in the city.
 *
 * <p>The same seed and size give the same fences and points, so runs compare.
 */
public final class SyntheticCity {
    static final double CENTRE_LAT = 31.2304;
    static final double CENTRE_LON = 121.4737;
    static final double CITY_SIDE_M = 20_000;
    static final double NEAR_BUFFER_M = 50;
    private static final double METRES_PER_DEGREE_LAT = 111_320;
    private static final double METRES_PER_DEGREE_LON = 111_320 * Math.cos(Math.toRadians(CENTRE_LAT));

    private final List<Polygon> stores;
    private final double[] pointLats;
    private final double[] pointLons;

    private SyntheticCity(List<Polygon> stores, double[] pointLats, double[] pointLons) {
        this.stores = stores;
        this.pointLats = pointLats;
        this.pointLons = pointLons;
    }

    public static SyntheticCity generate(int stores, int points, long seed) {
        GeometryFactory wgs84 = new GeometryFactory();
        SplittableRandom random = new SplittableRandom(seed);
        List<Polygon> polygons = new ArrayList<>(stores);
        double[][] centres = new double[stores][];
        for (int i = 0; i < stores; i++) {
            double x = (random.nextDouble() - 0.5) * CITY_SIDE_M;
            double y = (random.nextDouble() - 0.5) * CITY_SIDE_M;
            double width = 15 + random.nextDouble() * 45;
            double depth = 15 + random.nextDouble() * 45;
            double angle = random.nextInt(3) == 0 ? random.nextDouble() * Math.PI / 4 : 0;
            centres[i] = new double[] {x, y};
            polygons.add(rectangle(wgs84, x, y, width, depth, angle));
        }
        double[] lats = new double[points];
        double[] lons = new double[points];
        for (int i = 0; i < points; i++) {
            double x;
            double y;
            if (i % 2 == 0 && stores > 0) {
                double[] centre = centres[random.nextInt(stores)];
                x = centre[0] + (random.nextDouble() - 0.5) * 100;
                y = centre[1] + (random.nextDouble() - 0.5) * 100;
            } else {
                x = (random.nextDouble() - 0.5) * CITY_SIDE_M;
                y = (random.nextDouble() - 0.5) * CITY_SIDE_M;
            }
            lats[i] = latOf(y);
            lons[i] = lonOf(x);
        }
        return new SyntheticCity(List.copyOf(polygons), lats, lons);
    }

    /** The store footprints in WGS84 (x = longitude, y = latitude), as GeoJSON and the job store them. */
    public List<Polygon> stores() {
        return stores;
    }

    public int points() {
        return pointLats.length;
    }

    public double lat(int point) {
        return pointLats[point];
    }

    public double lon(int point) {
        return pointLons[point];
    }

    /** The fences as a catalog the job would load: one store feature per footprint, 50 m near-buffers. */
    public FenceCatalog catalog() {
        try {
            return FenceCatalog.fromGeoJson(geoJson(), "synthetic-" + stores.size());
        } catch (FenceFileException e) {
            throw new IllegalStateException("the synthetic fences do not load: " + e.getMessage(), e);
        }
    }

    /** The fences as a GeoJSON fence file. */
    public String geoJson() {
        StringBuilder json = new StringBuilder(stores.size() * 300 + 64).append("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int i = 0; i < stores.size(); i++) {
            if (i > 0) {
                json.append(",\n");
            }
            json.append(String.format(Locale.ROOT,
                    "{\"type\":\"Feature\",\"properties\":{\"type\":\"store\",\"id\":\"st-%06d\",\"name\":\"Store %d\","
                            + "\"nearBufferM\":%s},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[", i, i,
                    NEAR_BUFFER_M));
            Coordinate[] ring = stores.get(i).getExteriorRing().getCoordinates();
            for (int c = 0; c < ring.length; c++) {
                json.append(c > 0 ? "," : "").append(String.format(Locale.ROOT, "[%.7f,%.7f]", ring[c].x, ring[c].y));
            }
            json.append("]]}}");
        }
        json.append("]}");
        return json.toString();
    }

    private static Polygon rectangle(GeometryFactory wgs84, double x, double y, double width, double depth,
            double angle) {
        double[][] corners = {{-width / 2, -depth / 2}, {width / 2, -depth / 2}, {width / 2, depth / 2},
                {-width / 2, depth / 2}, {-width / 2, -depth / 2}};
        Coordinate[] ring = new Coordinate[corners.length];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int i = 0; i < corners.length; i++) {
            double cx = x + corners[i][0] * cos - corners[i][1] * sin;
            double cy = y + corners[i][0] * sin + corners[i][1] * cos;
            // Rounded as the GeoJSON is written, so that both sides of the comparison hold the same shapes.
            ring[i] = new Coordinate(round7(lonOf(cx)), round7(latOf(cy)));
        }
        ring[ring.length - 1] = ring[0].copy();
        return wgs84.createPolygon(ring);
    }

    private static double round7(double degrees) {
        return Math.round(degrees * 1e7) / 1e7;
    }

    private static double latOf(double yMetres) {
        return CENTRE_LAT + yMetres / METRES_PER_DEGREE_LAT;
    }

    private static double lonOf(double xMetres) {
        return CENTRE_LON + xMetres / METRES_PER_DEGREE_LON;
    }
}
