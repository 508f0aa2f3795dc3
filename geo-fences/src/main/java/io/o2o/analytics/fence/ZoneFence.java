package io.o2o.analytics.fence;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.locationtech.jts.geom.Geometry;

/**
 * An area inside a store (entrance, checkout, ...). Zones of one store may nest; they never leave the store's footprint.
 *
 * @param kind       one of {@link #KINDS}
 * @param area       Polygon or MultiPolygon in WGS84 degrees, x = longitude, y = latitude; treat it as read-only
 * @param properties every property of the feature as text, in file order
 */
public record ZoneFence(String id, String storeId, String name, String kind, Geometry area,
                        Map<String, String> properties) implements Serializable {

    /** The zone kinds a fence file may use. */
    public static final List<String> KINDS =
            List.of("entrance", "aisle", "fitting_room", "checkout", "display", "other");

    public ZoneFence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(area, "area");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
