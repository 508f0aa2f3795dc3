package io.o2o.analytics.fence;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a fence FeatureCollection and refuses anything the fence index could not use correctly. It stops at the
 * first problem, and every message names the feature and says what is wrong (see README.md for the full list).
 */
final class GeoJsonFenceReader {
    private static final Logger LOG = LoggerFactory.getLogger(GeoJsonFenceReader.class);

    static final double MAX_NEAR_BUFFER_M = 500;
    /**
     * For a store drawn without one: a shopfront on a street or a mall corridor, beyond GPS noise (5 to 15 m) and
     * short of the next block; the sample city's street stores use 25 to 50 m.
     */
    static final double DEFAULT_NEAR_BUFFER_M = 50;
    /** How many fence ids a warning lists before "and N more". */
    private static final int IDS_IN_A_WARNING = 10;
    /**
     * The names a GeoJSON {@code crs} member (GeoJSON 2008, written by QGIS and GDAL) may give WGS84 longitude /
     * latitude; RFC 7946 dropped the member and means exactly that.
     */
    private static final Pattern WGS84_CRS = Pattern.compile(
            "(?i)urn:ogc:def:crs:OGC:(1\\.3)?:CRS84|(OGC:)?CRS84|(urn:ogc:def:crs:)?EPSG:([\\d.]*:)?4326");
    /** Zones are drawn by hand on top of footprints; half a metre forgives a shared wall drawn twice. */
    static final double ZONE_TOLERANCE_M = 0.5;
    /** Well above any store, well below the size where one flat frame per fence stops being accurate. */
    static final double MAX_FENCE_EXTENT_M = 20_000;
    /** Far below any sensor's reading at a metre; a lower value is a typo (a missing minus sign is caught too). */
    static final double MIN_RSSI_AT_1M_DBM = -120;

    private static final Pattern OPENING_HOURS =
            Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d-(([01]\\d|2[0-3]):[0-5]\\d|24:00)");
    private static final Pattern OPENING_DAYS =
            Pattern.compile("(MON|TUE|WED|THU|FRI|SAT|SUN)(,(MON|TUE|WED|THU|FRI|SAT|SUN))*");

    // Duplicate keys and trailing garbage are almost always a bad merge of two files: refuse rather than guess.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final GeometryFactory WGS84 = new GeometryFactory(new PrecisionModel(), 4326);

    private final String source;
    private final Map<String, Integer> featureIndexById = new HashMap<>();
    private final List<StoreFence> stores = new ArrayList<>();
    private final List<PendingZone> pendingZones = new ArrayList<>();
    private final List<PendingSensor> pendingSensors = new ArrayList<>();
    /** Per property a fence file left out: the ids of the features that got its default. */
    private final Map<String, List<String>> defaulted = new LinkedHashMap<>();

    private GeoJsonFenceReader(String source) {
        this.source = source;
    }

    static FenceCatalog read(String geoJson, String source) throws FenceFileException {
        return new GeoJsonFenceReader(source).read(geoJson);
    }

    private FenceCatalog read(String geoJson) throws FenceFileException {
        JsonNode root = parse(geoJson);
        if (!root.isObject()) {
            throw new FenceFileException(source, "not a GeoJSON FeatureCollection: the top level is not a JSON object");
        }
        if (!"FeatureCollection".equals(textOrNull(root.get("type")))) {
            throw new FenceFileException(source,
                    "not a GeoJSON FeatureCollection: top-level \"type\" is " + describe(root.get("type")));
        }
        checkCrs(root.get("crs"));
        JsonNode features = root.get("features");
        if (features == null || !features.isArray()) {
            throw new FenceFileException(source, "has no \"features\" array");
        }
        for (int i = 0; i < features.size(); i++) {
            readFeature(new Feature(i, features.get(i)));
        }
        if (stores.isEmpty()) {
            throw new FenceFileException(source, "the collection has no store features");
        }
        // Zones and sensors are checked once every store is known, so a file may list them before their store.
        List<ZoneFence> zones = resolveZones();
        List<SensorSite> sensors = resolveSensors(zones);
        List<String> warnings = warnings();
        warnings.forEach(w -> LOG.warn("{}: {}", source, w));
        return new FenceCatalog(source, stores, zones, sensors, warnings);
    }

    /** QGIS and GDAL still write the member; anything but WGS84 longitude / latitude would put fences elsewhere. */
    private void checkCrs(JsonNode crs) throws FenceFileException {
        if (crs == null || crs.isNull()) {
            return;
        }
        String name = textOrNull(crs.path("properties").get("name"));
        if (name == null || !WGS84_CRS.matcher(name.trim()).matches()) {
            throw new FenceFileException(source, "\"crs\" is " + (name == null ? crs.toString() : "'" + name + "'")
                    + "; fences must be WGS84 longitude/latitude (EPSG:4326, CRS84): save the layer again in that"
                    + " CRS (QGIS: Export > Save Features As..., CRS \"EPSG:4326 - WGS 84\")");
        }
    }

    private void defaulted(String property, String featureId) {
        defaulted.computeIfAbsent(property, p -> new ArrayList<>()).add(featureId);
    }

    /** One line per property left out, naming the fences, as the job prints them before it starts. */
    private List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        defaulted.forEach((property, ids) -> {
            String which = ids.size() <= IDS_IN_A_WARNING
                    ? String.join(", ", ids)
                    : String.join(", ", ids.subList(0, IDS_IN_A_WARNING)) + " and " + (ids.size() - IDS_IN_A_WARNING)
                            + " more";
            String what = switch (property) {
                case "type" -> "features without properties.type, read as stores (they are polygons)";
                case "nearBufferM" -> "stores without properties.nearBufferM, near-buffer "
                        + decimal(DEFAULT_NEAR_BUFFER_M) + " m assumed";
                case "capacity" -> "stores without properties.capacity, capacity unknown (no occupancy-over-capacity"
                        + " alert)";
                default -> throw new IllegalStateException(property);
            };
            warnings.add(ids.size() + " " + what + ": " + which);
        });
        return List.copyOf(warnings);
    }

    private JsonNode parse(String geoJson) throws FenceFileException {
        try {
            JsonNode root = JSON.readTree(geoJson);
            if (root == null || root.isMissingNode()) {
                throw new FenceFileException(source, "is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String detail = e.getOriginalMessage().lines().findFirst().orElse("");
            throw new FenceFileException(source, "malformed JSON" + where + ": " + detail, e);
        }
    }

    private void readFeature(Feature f) throws FenceFileException {
        if (!f.node.isObject()) {
            throw f.fail("is not a JSON object");
        }
        if (!"Feature".equals(textOrNull(f.node.get("type")))) {
            throw f.fail("\"type\" must be \"Feature\", found " + describe(f.node.get("type")));
        }
        if (f.props == null || !f.props.isObject()) {
            throw f.fail("has no \"properties\" object");
        }
        JsonNode type = f.props.get("type");
        String featureType = textOrNull(type);
        // Drawn in geojson.io or QGIS, a store is a polygon with a name and an id, nothing more.
        boolean untypedArea = (type == null || type.isNull()) && isArea(f.node.get("geometry"));
        if (untypedArea) {
            featureType = "store";
        }
        if (!"store".equals(featureType) && !"zone".equals(featureType) && !"sensor".equals(featureType)) {
            throw f.fail("properties.type must be \"store\", \"zone\" or \"sensor\", found " + describe(type));
        }
        if (f.id == null) {
            // No id made up from the name: the sensors, tills and offer rules name a store by the id they know.
            JsonNode name = f.props.get("name");
            throw f.fail("properties.id is missing or blank"
                    + (name != null && name.isTextual() && !name.asText().isBlank()
                            ? " (name " + describe(name) + ")" : "")
                    + "; give every " + featureType + " the id its sensor readings and receipts carry, e.g. \"sh-001\"");
        }
        if (untypedArea) {
            defaulted("type", f.id);
        }
        Integer first = featureIndexById.putIfAbsent(f.id, f.index);
        if (first != null) {
            throw f.fail("duplicate id, already used by feature #" + first);
        }
        if ("sensor".equals(featureType)) {
            pendingSensors.add(readSensor(f));
            return;
        }
        Geometry area = readArea(f);
        if ("store".equals(featureType)) {
            stores.add(readStore(f, area));
        } else {
            pendingZones.add(readZone(f, area));
        }
    }

    private StoreFence readStore(Feature f, Geometry area) throws FenceFileException {
        JsonNode buffer = present(f.props.get("nearBufferM"));
        if (buffer == null) {
            defaulted("nearBufferM", f.id);
        } else if (!buffer.isNumber() || !Double.isFinite(buffer.asDouble())
                || buffer.asDouble() < 0 || buffer.asDouble() > MAX_NEAR_BUFFER_M) {
            throw f.fail("properties.nearBufferM must be a number of metres from 0 to 500, found " + describe(buffer));
        }
        double nearBufferM = buffer == null ? DEFAULT_NEAR_BUFFER_M : buffer.asDouble();
        JsonNode capacity = present(f.props.get("capacity"));
        if (capacity == null) {
            defaulted("capacity", f.id);
        } else if (!capacity.isIntegralNumber() || !capacity.canConvertToInt() || capacity.asInt() < 0) {
            throw f.fail("properties.capacity must be a whole number of people, 0 or more, found "
                    + describe(capacity));
        }
        JsonNode hours = present(f.props.get("openingHours"));
        if (hours != null && !(hours.isTextual() && OPENING_HOURS.matcher(hours.asText()).matches())) {
            throw f.fail("properties.openingHours must look like \"10:00-22:00\" (24-hour HH:mm-HH:mm), found "
                    + describe(hours));
        }
        // A start equal to the end says neither "closed" nor "around the clock" for sure; the latter is 00:00-24:00.
        if (hours != null && hours.asText().substring(0, 5).equals(hours.asText().substring(6))) {
            throw f.fail("properties.openingHours must not open and close at the same time (00:00-24:00 is open"
                    + " around the clock), found " + describe(hours));
        }
        JsonNode days = present(f.props.get("openingDays"));
        if (days != null && !(days.isTextual() && OPENING_DAYS.matcher(days.asText()).matches())) {
            throw f.fail("properties.openingDays must list days as MON,TUE,WED,THU,FRI,SAT,SUN (comma-separated),"
                    + " found " + describe(days));
        }
        JsonNode timezone = present(f.props.get("timezone"));
        if (timezone != null && !isZoneId(timezone)) {
            throw f.fail("properties.timezone must be an IANA time-zone id such as \"Asia/Shanghai\", found "
                    + describe(timezone));
        }
        // The index files each store under its buffered box in degrees; a box that wraps round ±180° would be
        // filed on one side only and miss devices on the other.
        LocalMetricFrame frame = LocalMetricFrame.around(area);
        Envelope e = area.getEnvelopeInternal();
        double bufferDegrees = nearBufferM / frame.metresPerDegreeLongitude();
        if (e.getMinX() - bufferDegrees < -180 || e.getMaxX() + bufferDegrees > 180) {
            throw f.fail("the near-buffer reaches across the antimeridian (longitude ±180°), which is not supported");
        }
        return new StoreFence(f.id, name(f), area, nearBufferM, capacity == null ? null : capacity.asInt(),
                textProperties(f.props));
    }

    private PendingZone readZone(Feature f, Geometry area) throws FenceFileException {
        String storeId = nonBlankText(f.props.get("storeId"));
        if (storeId == null) {
            throw f.fail("properties.storeId is missing or blank");
        }
        JsonNode kind = f.props.get("kind");
        if (!ZoneFence.KINDS.contains(textOrNull(kind))) {
            throw f.fail("properties.kind must be one of " + String.join(", ", ZoneFence.KINDS)
                    + ", found " + describe(kind));
        }
        return new PendingZone(f, new ZoneFence(f.id, storeId, name(f), kind.asText(), area, textProperties(f.props)));
    }

    private PendingSensor readSensor(Feature f) throws FenceFileException {
        String storeId = nonBlankText(f.props.get("storeId"));
        if (storeId == null) {
            throw f.fail("properties.storeId is missing or blank");
        }
        JsonNode kind = f.props.get("kind");
        if (!SensorSite.KINDS.contains(textOrNull(kind))) {
            throw f.fail("properties.kind of a sensor must be one of " + String.join(", ", SensorSite.KINDS)
                    + ", found " + describe(kind));
        }
        JsonNode zone = f.props.get("zoneId");
        if (zone != null && nonBlankText(zone) == null) {
            throw f.fail("properties.zoneId must name a zone of the store, found " + describe(zone));
        }
        JsonNode calibration = f.props.get("rssiAt1mDbm");
        if (calibration != null && !(calibration.isNumber() && calibration.asDouble() >= MIN_RSSI_AT_1M_DBM
                && calibration.asDouble() <= 0)) {
            throw f.fail("properties.rssiAt1mDbm must be a number of dBm from -120 to 0, found " + describe(calibration));
        }
        JsonNode geometry = f.node.get("geometry");
        if (geometry == null || geometry.isNull() || !"Point".equals(textOrNull(geometry.get("type")))) {
            throw f.fail("a sensor's geometry must be a Point, found "
                    + (geometry == null || geometry.isNull() ? "nothing" : describe(geometry.get("type"))));
        }
        Coordinate at = readPosition(f, geometry.get("coordinates"), "the point");
        return new PendingSensor(f, new SensorSite(f.id, storeId, nonBlankText(zone), kind.asText(), at.y, at.x,
                calibration == null ? SensorSite.DEFAULT_RSSI_AT_1M_DBM : calibration.asDouble(),
                textProperties(f.props)));
    }

    private List<SensorSite> resolveSensors(List<ZoneFence> zones) throws FenceFileException {
        Map<String, StoreFence> storesById = new HashMap<>();
        stores.forEach(s -> storesById.put(s.id(), s));
        Map<String, String> storeOfZone = new HashMap<>();
        zones.forEach(z -> storeOfZone.put(z.id(), z.storeId()));
        Map<String, StoreInMetres> projected = new HashMap<>();
        List<SensorSite> sensors = new ArrayList<>();
        for (PendingSensor pending : pendingSensors) {
            SensorSite sensor = pending.sensor;
            StoreFence store = storesById.get(sensor.storeId());
            if (store == null) {
                throw pending.feature.fail(
                        "properties.storeId '" + sensor.storeId() + "' names no store in this collection");
            }
            if (sensor.zoneId() != null && !sensor.storeId().equals(storeOfZone.get(sensor.zoneId()))) {
                throw pending.feature.fail("properties.zoneId '" + sensor.zoneId() + "' names no zone of store '"
                        + sensor.storeId() + "'");
            }
            StoreInMetres s = projected.computeIfAbsent(store.id(), id -> new StoreInMetres(store));
            Coordinate xy = s.frame.toMetres(sensor.lat(), sensor.lon());
            if (!s.withTolerance.covers(s.area.getFactory().createPoint(xy))) {
                throw pending.feature.fail(String.format(Locale.ROOT,
                        "sensor is not within the footprint of its store '%s' (tolerance %.1f m)",
                        store.id(), ZONE_TOLERANCE_M));
            }
            sensors.add(sensor);
        }
        return sensors;
    }

    private List<ZoneFence> resolveZones() throws FenceFileException {
        Map<String, StoreFence> storesById = new HashMap<>();
        stores.forEach(s -> storesById.put(s.id(), s));
        Map<String, StoreInMetres> projected = new HashMap<>();
        List<ZoneFence> zones = new ArrayList<>();
        for (PendingZone pending : pendingZones) {
            ZoneFence zone = pending.zone;
            StoreFence store = storesById.get(zone.storeId());
            if (store == null) {
                throw pending.feature.fail(
                        "properties.storeId '" + zone.storeId() + "' names no store in this collection");
            }
            StoreInMetres s = projected.computeIfAbsent(store.id(), id -> new StoreInMetres(store));
            Geometry zoneM = s.frame.toMetres(zone.area());
            if (!s.withTolerance.covers(zoneM)) {
                double outsideM2 = zoneM.difference(s.area).getArea();
                throw pending.feature.fail(String.format(Locale.ROOT,
                        "zone is not within the footprint of its store '%s': %.1f m² of it lies outside"
                                + " (tolerance %.1f m)", store.id(), outsideM2, ZONE_TOLERANCE_M));
            }
            zones.add(zone);
        }
        return zones;
    }

    private Geometry readArea(Feature f) throws FenceFileException {
        JsonNode geometry = f.node.get("geometry");
        if (geometry == null || geometry.isNull()) {
            throw f.fail("has no geometry; a fence must be a Polygon or MultiPolygon");
        }
        String type = textOrNull(geometry.get("type"));
        JsonNode coordinates = geometry.get("coordinates");
        Geometry area;
        if ("Polygon".equals(type)) {
            area = readPolygon(f, coordinates, "");
        } else if ("MultiPolygon".equals(type)) {
            if (coordinates == null || !coordinates.isArray() || coordinates.isEmpty()) {
                throw f.fail("multipolygon has no polygons");
            }
            Polygon[] polygons = new Polygon[coordinates.size()];
            for (int p = 0; p < polygons.length; p++) {
                polygons[p] = readPolygon(f, coordinates.get(p), "polygon #" + p + ", ");
            }
            area = WGS84.createMultiPolygon(polygons);
        } else {
            throw f.fail("geometry must be a Polygon or MultiPolygon, found " + describe(geometry.get("type")));
        }
        TopologyValidationError error = new IsValidOp(area).getValidationError();
        if (error != null) {
            Coordinate c = error.getCoordinate();
            String at = c == null ? "" : " at (" + decimal(c.x) + ", " + decimal(c.y) + ")";
            throw f.fail(type.toLowerCase(Locale.ROOT) + " is not valid: " + error.getMessage() + at);
        }
        LocalMetricFrame frame = LocalMetricFrame.around(area);
        Envelope e = area.getEnvelopeInternal();
        double eastWestM = e.getWidth() * frame.metresPerDegreeLongitude();
        double northSouthM = e.getHeight() * frame.metresPerDegreeLatitude();
        if (Math.max(eastWestM, northSouthM) > MAX_FENCE_EXTENT_M) {
            throw f.fail(String.format(Locale.ROOT,
                    "fence spans %.1f km east-west and %.1f km north-south; fences must be under %.0f km across"
                            + " (one crossing the antimeridian looks this wide and is not supported)",
                    eastWestM / 1000, northSouthM / 1000, MAX_FENCE_EXTENT_M / 1000));
        }
        return area;
    }

    /** {@code where} prefixes ring names inside a multipolygon, e.g. "polygon #1, ". */
    private Polygon readPolygon(Feature f, JsonNode rings, String where) throws FenceFileException {
        if (rings == null || !rings.isArray() || rings.isEmpty()) {
            throw f.fail(where + "polygon has no rings");
        }
        LinearRing shell = readRing(f, rings.get(0), where + "ring #0");
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int r = 1; r < rings.size(); r++) {
            holes[r - 1] = readRing(f, rings.get(r), where + "ring #" + r);
        }
        return WGS84.createPolygon(shell, holes);
    }

    private LinearRing readRing(Feature f, JsonNode ring, String where) throws FenceFileException {
        if (!ring.isArray()) {
            throw f.fail(where + " must be an array of [lon, lat] positions, found " + describe(ring));
        }
        Coordinate[] coordinates = new Coordinate[ring.size()];
        for (int k = 0; k < coordinates.length; k++) {
            coordinates[k] = readPosition(f, ring.get(k), "position #" + k + " of " + where);
        }
        if (coordinates.length < 4) {
            throw f.fail(where + " has " + coordinates.length + " positions; a closed ring needs at least 4");
        }
        if (!coordinates[0].equals2D(coordinates[coordinates.length - 1])) {
            throw f.fail(where + " is not closed: its first and last positions differ");
        }
        return WGS84.createLinearRing(coordinates);
    }

    /** A {@code [lon, lat]} position as a coordinate (x = longitude), checked; {@code which} names it in messages. */
    private static Coordinate readPosition(Feature f, JsonNode position, String which) throws FenceFileException {
        if (position == null || !position.isArray() || position.size() < 2 || !position.get(0).isNumber()
                || !position.get(1).isNumber()) {
            throw f.fail(which + " must be [lon, lat] numbers, found " + describe(position));
        }
        double lon = position.get(0).asDouble();
        double lat = position.get(1).asDouble();
        if (!Double.isFinite(lon) || !Double.isFinite(lat)) {
            // Only a number too large for a double gets here (JSON has no NaN); Jackson would print it as a string.
            throw f.fail(which + " is not finite: [" + lon + ", " + lat + "]");
        }
        if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
            throw f.fail(which + " is out of range: " + describe(position)
                    + " (longitude must be within ±180, latitude within ±90, in that order)");
        }
        if (Math.abs(lat) > LocalMetricFrame.MAX_ABS_LATITUDE) {
            throw f.fail(which + " is at latitude " + lat + ", beyond the ±85° that fences support");
        }
        return new Coordinate(lon, lat);
    }

    private static String name(Feature f) throws FenceFileException {
        JsonNode name = f.props.get("name");
        if (name == null || name.isNull()) {
            return f.id;
        }
        if (!name.isTextual()) {
            throw f.fail("properties.name must be a string, found " + describe(name));
        }
        return name.asText();
    }

    private static boolean isZoneId(JsonNode timezone) {
        if (!timezone.isTextual()) {
            return false;
        }
        try {
            ZoneId.of(timezone.asText());
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Numbers keep the text they were written with, so "40" stays "40" rather than becoming "40.0". */
    private static Map<String, String> textProperties(JsonNode props) {
        Map<String, String> text = new LinkedHashMap<>();
        props.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!v.isNull()) {
                text.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        });
        return text;
    }

    /** An empty attribute cell of QGIS is written as null: the same as leaving the property out. */
    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static boolean isArea(JsonNode geometry) {
        String type = geometry == null ? null : textOrNull(geometry.get("type"));
        return "Polygon".equals(type) || "MultiPolygon".equals(type);
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** A QGIS layer's default "id" field is a whole number: taken as its text, "7". */
    private static String idOf(JsonNode node) {
        return node != null && node.isIntegralNumber() ? node.asText() : nonBlankText(node);
    }

    private static String nonBlankText(JsonNode node) {
        String text = textOrNull(node);
        return text == null || text.isBlank() ? null : text;
    }

    /** The offending value as JSON text, so a reader sees whether it was a string, a number or absent. */
    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.toString();
    }

    private static String decimal(double degrees) {
        return BigDecimal.valueOf(degrees).setScale(7, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** One feature being read: knows how to name itself in a message. */
    private final class Feature {
        final int index;
        final JsonNode node;
        final JsonNode props;
        final String id;

        Feature(int index, JsonNode node) {
            this.index = index;
            this.node = node;
            this.props = node.get("properties");
            this.id = props != null && props.isObject() ? idOf(props.get("id")) : null;
        }

        FenceFileException fail(String problem) {
            return new FenceFileException(source, index, id, problem);
        }
    }

    private record PendingZone(Feature feature, ZoneFence zone) {
    }

    private record PendingSensor(Feature feature, SensorSite sensor) {
    }

    private static final class StoreInMetres {
        final LocalMetricFrame frame;
        final Geometry area;
        final Geometry withTolerance;

        StoreInMetres(StoreFence store) {
            frame = LocalMetricFrame.around(store.area());
            area = frame.toMetres(store.area());
            withTolerance = area.buffer(ZONE_TOLERANCE_M);
        }
    }
}
