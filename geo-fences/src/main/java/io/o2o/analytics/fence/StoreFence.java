package io.o2o.analytics.fence;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.locationtech.jts.geom.Geometry;

/**
 * A store's footprint as loaded from a fence file.
 *
 * @param area        Polygon or MultiPolygon in WGS84 degrees, x = longitude, y = latitude. JTS geometries are
 *                    mutable: treat it as read-only, it is shared by every user of the catalog.
 * @param nearBufferM how far around the footprint, in metres, a device counts as "near" the store (0 to 500)
 * @param capacity    how many people the store holds, for occupancy ratios and alerts; null when the fence file
 *                    does not say (unknown: no capacity-based alert, never a made-up number)
 * @param properties  every property of the feature as text, in file order (numbers as written, e.g. "40"),
 *                    including those not modelled here such as openingHours, timezone and brand
 */
public record StoreFence(String id, String name, Geometry area, double nearBufferM, Integer capacity,
                         Map<String, String> properties) implements Serializable {

    public StoreFence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(area, "area");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public boolean hasCapacity() {
        return capacity != null;
    }

    /** A property of the feature as text, if present. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }
}
