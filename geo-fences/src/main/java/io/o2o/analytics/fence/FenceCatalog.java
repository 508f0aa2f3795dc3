package io.o2o.analytics.fence;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stores, zones and sensor positions of one fence file, validated. Immutable and serializable, so a job can load it once in
 * {@code main()} and ship it to its operators, which build a {@link FenceIndex} from it in {@code open()}.
 */
public final class FenceCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SAMPLE_CITY = "classpath:fences/sample-city.geojson";

    private static final String CLASSPATH = "classpath:";

    private final String source;
    private final List<StoreFence> stores;
    private final List<ZoneFence> zones;
    private final Map<String, StoreFence> storesById;
    private final Map<String, ZoneFence> zonesById;
    private final Map<String, List<ZoneFence>> zonesByStore;
    private final List<SensorSite> sensors;
    private final Map<String, List<SensorSite>> sensorsByStore;
    private final List<String> warnings;

    FenceCatalog(String source, List<StoreFence> stores, List<ZoneFence> zones, List<SensorSite> sensors,
            List<String> warnings) {
        this.source = source;
        this.warnings = List.copyOf(warnings);
        this.stores = List.copyOf(stores);
        this.zones = List.copyOf(zones);
        this.sensors = List.copyOf(sensors);
        Map<String, StoreFence> storesById = new LinkedHashMap<>();
        stores.forEach(s -> storesById.put(s.id(), s));
        Map<String, ZoneFence> zonesById = new LinkedHashMap<>();
        Map<String, List<ZoneFence>> zonesByStore = new LinkedHashMap<>();
        for (ZoneFence z : zones) {
            zonesById.put(z.id(), z);
            zonesByStore.computeIfAbsent(z.storeId(), id -> new ArrayList<>()).add(z);
        }
        zonesByStore.replaceAll((id, list) -> List.copyOf(list));
        this.storesById = Map.copyOf(storesById);
        this.zonesById = Map.copyOf(zonesById);
        this.zonesByStore = Map.copyOf(zonesByStore);
        Map<String, List<SensorSite>> sensorsByStore = new LinkedHashMap<>();
        for (SensorSite sensor : sensors) {
            sensorsByStore.computeIfAbsent(sensor.storeId(), id -> new ArrayList<>()).add(sensor);
        }
        sensorsByStore.replaceAll((id, list) -> List.copyOf(list));
        this.sensorsByStore = Map.copyOf(sensorsByStore);
    }

    /**
     * @param location a file path, or {@code "classpath:"} followed by a resource name (such as {@link #SAMPLE_CITY})
     * @throws FenceFileException if the file cannot be read or fails validation; the message starts with the
     *                            file's name
     */
    public static FenceCatalog load(String location) throws FenceFileException {
        Objects.requireNonNull(location, "location");
        String sourceName = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
        byte[] bytes = location.startsWith(CLASSPATH)
                ? readResource(location.substring(CLASSPATH.length()), sourceName)
                : readFile(location, sourceName);
        return fromGeoJson(decodeUtf8(bytes, sourceName), sourceName);
    }

    /** @param sourceName how messages name the input, e.g. a file name */
    public static FenceCatalog fromGeoJson(String geoJson, String sourceName) throws FenceFileException {
        Objects.requireNonNull(geoJson, "geoJson");
        Objects.requireNonNull(sourceName, "sourceName");
        return GeoJsonFenceReader.read(geoJson, sourceName);
    }

    private static byte[] readResource(String resource, String sourceName) throws FenceFileException {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        // Flink runs user code in its own class loader and makes it the context loader in open(); fall back to
        // ours for plain unit tests and main().
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        InputStream in = context == null ? null : context.getResourceAsStream(name);
        if (in == null) {
            in = FenceCatalog.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new FenceFileException(sourceName, "not found on the classpath as '" + name + "'");
        }
        try (InputStream stream = in) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new FenceFileException(sourceName, "cannot be read from the classpath: " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(String location, String sourceName) throws FenceFileException {
        try {
            return Files.readAllBytes(Path.of(location));
        } catch (NoSuchFileException e) {
            throw new FenceFileException(sourceName, "no such file: " + location, e);
        } catch (IOException | InvalidPathException e) {
            throw new FenceFileException(sourceName, "cannot be read from " + location + ": " + e, e);
        }
    }

    private static String decodeUtf8(byte[] bytes, String sourceName) throws FenceFileException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            // Editors on Windows like to start UTF-8 files with a byte-order mark, which JSON does not allow.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new FenceFileException(sourceName, "is not UTF-8 text", e);
        }
    }

    /** How messages name this catalog's input, e.g. "sample-city.geojson". */
    public String source() {
        return source;
    }

    /** In file order. */
    public List<StoreFence> stores() {
        return stores;
    }

    public Optional<StoreFence> store(String storeId) {
        return Optional.ofNullable(storesById.get(storeId));
    }

    public boolean hasStore(String storeId) {
        return storesById.containsKey(storeId);
    }

    /** In file order. */
    public List<ZoneFence> zones() {
        return zones;
    }

    /** In file order; empty for a store without zones or an unknown store. */
    public List<ZoneFence> zonesOf(String storeId) {
        return zonesByStore.getOrDefault(storeId, List.of());
    }

    public Optional<ZoneFence> zone(String zoneId) {
        return Optional.ofNullable(zonesById.get(zoneId));
    }

    /** The in-store sensors with a known position, in file order; empty for a file without any. */
    public List<SensorSite> sensors() {
        return sensors;
    }

    /** In file order; empty for a store without positioned sensors or an unknown store. */
    public List<SensorSite> sensorsOf(String storeId) {
        return sensorsByStore.getOrDefault(storeId, List.of());
    }

    /**
     * What the file left out and the loader assumed, one line per property, naming the fences: stores without
     * {@code nearBufferM} (a default near-buffer), without {@code capacity} (unknown), polygons without
     * {@code type} (stores). Empty for a complete file. Logged once at load; for the job to print as well.
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "FenceCatalog[" + source + ": " + stores.size() + " stores, " + zones.size() + " zones, "
                + sensors.size() + " sensors]";
    }
}
