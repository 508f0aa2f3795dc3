package io.o2o.analytics.fence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/**
 * Builds small fence files from WKT, so that tests show their shapes. Coordinates are (lon lat) as in GeoJSON.
 *
 * <p>The Shanghai shapes are measured from (31.23 N, 121.47 E), the Tromsø one from (69.65 N, 18.95 E): x metres
 * east and y metres north, turned into degrees with GeographicLib's geodesics on WGS84, independently of
 * {@link LocalMetricFrame}, and rounded to 1e-7 degrees (about 1 cm).
 */
final class TestFences {
    static final ObjectMapper JSON = new ObjectMapper();

    /** 100 m x 100 m, x 0..100, y 0..100. */
    static final String SQUARE = "POLYGON ((121.47 31.23, 121.4710496 31.23, 121.4710496 31.2309019,"
            + " 121.47 31.2309019, 121.47 31.23))";
    /** 40 m x 40 m, x 110..150, y 0..40: 10 m east of SQUARE. */
    static final String NEIGHBOUR = "POLYGON ((121.4711546 31.23, 121.4715744 31.23, 121.4715744 31.2303608,"
            + " 121.4711546 31.2303608, 121.4711546 31.23))";
    /** 80 m x 70 m, x 0..80, y 200..270, around a 30 m x 24 m courtyard at x 25..55, y 223..247. */
    static final String COURTYARD = "POLYGON ((121.47 31.2318039, 121.4708397 31.2318039, 121.4708397 31.2324352,"
            + " 121.47 31.2324352, 121.47 31.2318039),"
            + " (121.4702624 31.2320113, 121.4702624 31.2322278, 121.4705773 31.2322278, 121.4705773 31.2320113,"
            + " 121.4702624 31.2320113))";
    /** Two buildings, x 300..340 and x 350..395, both y 0..50, with a 10 m lane between them. */
    static final String TWIN = "MULTIPOLYGON (((121.4731488 31.23, 121.4735686 31.23, 121.4735686 31.230451,"
            + " 121.4731488 31.230451, 121.4731488 31.23)),"
            + " ((121.4736736 31.23, 121.4741459 31.23, 121.4741459 31.230451, 121.4736736 31.230451,"
            + " 121.4736736 31.23)))";
    /** 100 m x 100 m at 69.65 N in Tromsø, where a degree of longitude is only 38.8 km. */
    static final String TROMSO = "POLYGON ((18.95 69.65, 18.9525756 69.65, 18.9525756 69.6508964,"
            + " 18.95 69.6508964, 18.95 69.65))";

    /** Zones of SQUARE: x 45..55, y 1..7. */
    static final String ENTRANCE = "POLYGON ((121.4704723 31.230009, 121.4705773 31.230009, 121.4705773 31.2300631,"
            + " 121.4704723 31.2300631, 121.4704723 31.230009))";
    /** x 10..90, y 20..80. */
    static final String AISLE = "POLYGON ((121.470105 31.2301804, 121.4709446 31.2301804, 121.4709446 31.2307215,"
            + " 121.470105 31.2307215, 121.470105 31.2301804))";
    /** x 40..60, y 40..60: an island in the middle of AISLE. */
    static final String ISLAND = "POLYGON ((121.4704198 31.2303608, 121.4706298 31.2303608, 121.4706298 31.2305412,"
            + " 121.4704198 31.2305412, 121.4704198 31.2303608))";
    /** x 70..90, y 5..15. */
    static final String CHECKOUT = "POLYGON ((121.4707347 31.2300451, 121.4709446 31.2300451,"
            + " 121.4709446 31.2301353, 121.4707347 31.2301353, 121.4707347 31.2300451))";

    private TestFences() {
    }

    static ObjectNode store(String id, double nearBufferM, String wkt) {
        ObjectNode feature = feature(wkt);
        feature.with("properties").put("type", "store").put("id", id).put("name", "Store " + id)
                .put("nearBufferM", nearBufferM).put("capacity", 100)
                .put("openingHours", "10:00-22:00").put("timezone", "Asia/Shanghai");
        return feature;
    }

    static ObjectNode zone(String id, String storeId, String kind, String wkt) {
        ObjectNode feature = feature(wkt);
        feature.with("properties").put("type", "zone").put("id", id).put("storeId", storeId).put("kind", kind);
        return feature;
    }

    /** A sensor at (lon lat), for the zone {@code zoneId} (null: the whole store). */
    static ObjectNode sensor(String id, String storeId, String zoneId, String kind, double lon, double lat) {
        ObjectNode feature = JSON.createObjectNode().put("type", "Feature");
        ObjectNode properties = feature.putObject("properties").put("type", "sensor").put("id", id)
                .put("storeId", storeId).put("kind", kind);
        if (zoneId != null) {
            properties.put("zoneId", zoneId);
        }
        feature.putObject("geometry").put("type", "Point").putArray("coordinates").add(lon).add(lat);
        return feature;
    }

    static String collection(JsonNode... features) {
        ObjectNode fc = JSON.createObjectNode().put("type", "FeatureCollection");
        fc.putArray("features").addAll(java.util.List.of(features));
        return fc.toPrettyString();
    }

    static FenceCatalog catalog(JsonNode... features) throws FenceFileException {
        return FenceCatalog.fromGeoJson(collection(features), "test.geojson");
    }

    /** A GeoJSON geometry object from WKT; no validity check, so tests can build broken shapes too. */
    static ObjectNode geometry(String wkt) {
        Geometry g = read(wkt);
        ObjectNode geometry = JSON.createObjectNode().put("type", g.getGeometryType());
        ArrayNode coordinates = geometry.putArray("coordinates");
        if (g instanceof Polygon p) {
            addRings(coordinates, p);
        } else {
            for (int i = 0; i < g.getNumGeometries(); i++) {
                addRings(coordinates.addArray(), (Polygon) g.getGeometryN(i));
            }
        }
        return geometry;
    }

    static Geometry read(String wkt) {
        try {
            return new WKTReader().read(wkt);
        } catch (ParseException e) {
            throw new IllegalArgumentException(wkt, e);
        }
    }

    private static ObjectNode feature(String wkt) {
        ObjectNode feature = JSON.createObjectNode().put("type", "Feature");
        feature.putObject("properties");
        feature.set("geometry", geometry(wkt));
        return feature;
    }

    private static void addRings(ArrayNode rings, Polygon p) {
        addRing(rings.addArray(), p.getExteriorRing().getCoordinates());
        for (int i = 0; i < p.getNumInteriorRing(); i++) {
            addRing(rings.addArray(), p.getInteriorRingN(i).getCoordinates());
        }
    }

    private static void addRing(ArrayNode ring, Coordinate[] coordinates) {
        for (Coordinate c : coordinates) {
            ring.addArray().add(c.x).add(c.y);
        }
    }
}
