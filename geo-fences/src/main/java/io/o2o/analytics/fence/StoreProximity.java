package io.o2o.analytics.fence;

import java.io.Serializable;
import java.util.Objects;

/**
 * How far a point is from a store's footprint.
 *
 * @param signedDistanceM metres to the footprint's boundary: negative inside (-8 = 8 m deep inside), 0 on the
 *                        boundary, positive outside (including inside a courtyard hole)
 */
public record StoreProximity(StoreFence store, double signedDistanceM) implements Serializable {

    public StoreProximity {
        Objects.requireNonNull(store, "store");
    }

    /** Inside or on the boundary: GPS puts people on walls often enough that a wall must count as inside. */
    public boolean inside() {
        return signedDistanceM <= 0;
    }

    public double depthInsideM() {
        return Math.max(0, -signedDistanceM);
    }
}
