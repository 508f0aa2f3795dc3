package io.o2o.analytics.fence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * Answers "which stores is this device near, and how far inside" for a {@link FenceCatalog}.
 *
 * <p>Build it once per operator instance, in {@code open()}: building projects every footprint and fills a
 * spatial index, which is far too slow per record. It is not serializable for the same reason; ship the catalog
 * instead. After {@link #build} nothing is mutated, and JTS documents a built {@code STRtree} and
 * {@code PreparedGeometry} as safe to query concurrently, so one index may serve many threads.
 *
 * <p>Query coordinates are WGS84 degrees. Coordinates that are not finite or out of range throw
 * {@link IllegalArgumentException}: the parse stage is expected to drop such fixes before they get here.
 */
public final class FenceIndex {

    private static final Comparator<StoreProximity> NEAREST_FIRST = Comparator
            .comparingDouble(StoreProximity::signedDistanceM)
            .thenComparing(p -> p.store().id());

    /**
     * Covers the rounding between the degree box and the metric distance, which are otherwise exactly
     * consistent (see {@link LocalMetricFrame}); a millionth of a degree is about 0.1 m.
     */
    private static final double ENVELOPE_SLACK_DEGREES = 1e-6;

    private final FenceCatalog catalog;
    private final STRtree tree = new STRtree();
    private final Map<String, IndexedStore> storesById = new HashMap<>();

    private FenceIndex(FenceCatalog catalog) {
        this.catalog = catalog;
        for (StoreFence store : catalog.stores()) {
            IndexedStore indexed = new IndexedStore(store, catalog.zonesOf(store.id()));
            storesById.put(store.id(), indexed);
            tree.insert(indexed.nearEnvelope, indexed);
        }
        // STRtree builds lazily on the first query; do it now so that concurrent queries only ever read.
        tree.build();
    }

    public static FenceIndex build(FenceCatalog catalog) {
        return new FenceIndex(Objects.requireNonNull(catalog, "catalog"));
    }

    public FenceCatalog catalog() {
        return catalog;
    }

    /**
     * Every store whose near-buffer contains the point, nearest first: the store the point is deepest inside
     * comes first, then the others by distance outside; equal distances are ordered by store id.
     */
    public List<StoreProximity> storesNear(double lat, double lon) {
        requireLatLon(lat, lon);
        @SuppressWarnings("unchecked")
        List<IndexedStore> candidates = tree.query(new Envelope(lon, lon, lat, lat));
        List<StoreProximity> near = new ArrayList<>(candidates.size());
        for (IndexedStore candidate : candidates) {
            StoreProximity p = candidate.proximity(lat, lon);
            if (p.signedDistanceM() <= candidate.store.nearBufferM()) {
                near.add(p);
            }
        }
        near.sort(NEAREST_FIRST);
        return near;
    }

    /** @throws IllegalArgumentException for a store the catalog does not have */
    public StoreProximity proximity(String storeId, double lat, double lon) {
        requireLatLon(lat, lon);
        return indexed(storeId).proximity(lat, lon);
    }

    /**
     * The zone of that store containing the point (boundary included), the smallest by area if zones nest.
     *
     * @throws IllegalArgumentException for a store the catalog does not have
     */
    public Optional<ZoneFence> zoneAt(String storeId, double lat, double lon) {
        requireLatLon(lat, lon);
        IndexedStore store = indexed(storeId);
        Point p = store.pointInMetres(lat, lon);
        for (IndexedZone zone : store.zonesSmallestFirst) {
            if (zone.areaInMetres.covers(p)) {
                return Optional.of(zone.zone);
            }
        }
        return Optional.empty();
    }

    /** The frame in which this store's distances are measured: centred on its footprint's bounding box. */
    public LocalMetricFrame frameOf(String storeId) {
        return indexed(storeId).frame;
    }

    /** A copy of the store's footprint in {@link #frameOf(String)}, metres; free to modify. */
    public Geometry storeAreaInMetres(String storeId) {
        return indexed(storeId).areaInMetres.copy();
    }

    private IndexedStore indexed(String storeId) {
        IndexedStore store = storesById.get(storeId);
        if (store == null) {
            throw new IllegalArgumentException("no store '" + storeId + "' in " + catalog.source());
        }
        return store;
    }

    private static void requireLatLon(double lat, double lon) {
        if (!(Math.abs(lat) <= 90)) {
            throw new IllegalArgumentException("latitude must be within ±90°, got " + lat);
        }
        LocalMetricFrame.requireLongitude(lon);
    }

    /** A store with everything a query needs, computed once at build time. */
    private static final class IndexedStore {
        final StoreFence store;
        final LocalMetricFrame frame;
        final Geometry areaInMetres;
        final PreparedGeometry preparedArea;
        /** Shell and hole rings: the distance to them is the depth inside or the distance outside. */
        final Geometry walls;
        final Envelope nearEnvelope;
        final List<IndexedZone> zonesSmallestFirst;

        IndexedStore(StoreFence store, List<ZoneFence> zones) {
            this.store = store;
            this.frame = LocalMetricFrame.around(store.area());
            this.areaInMetres = frame.toMetres(store.area());
            this.preparedArea = PreparedGeometryFactory.prepare(areaInMetres);
            this.walls = areaInMetres.getBoundary();
            // Geometries cache their envelope on first use; fill the caches now, in the constructor, so that no
            // query writes to shared state (PreparedGeometry synchronizes its own lazy parts).
            areaInMetres.getEnvelopeInternal();
            walls.getEnvelopeInternal();
            this.nearEnvelope = new Envelope(store.area().getEnvelopeInternal());
            nearEnvelope.expandBy(
                    store.nearBufferM() / frame.metresPerDegreeLongitude() + ENVELOPE_SLACK_DEGREES,
                    store.nearBufferM() / frame.metresPerDegreeLatitude() + ENVELOPE_SLACK_DEGREES);
            List<IndexedZone> indexedZones = new ArrayList<>();
            for (ZoneFence zone : zones) {
                Geometry zoneInMetres = frame.toMetres(zone.area());
                zoneInMetres.getEnvelopeInternal();
                indexedZones.add(new IndexedZone(zone, PreparedGeometryFactory.prepare(zoneInMetres),
                        zoneInMetres.getArea()));
            }
            // A stable sort keeps file order between zones of equal area.
            indexedZones.sort(Comparator.comparingDouble(IndexedZone::areaM2));
            this.zonesSmallestFirst = List.copyOf(indexedZones);
        }

        Point pointInMetres(double lat, double lon) {
            return LocalMetricFrame.METRIC.createPoint(frame.toMetres(lat, lon));
        }

        StoreProximity proximity(double lat, double lon) {
            Point p = pointInMetres(lat, lon);
            double toWall = walls.distance(p);
            // covers, not contains: a point on a wall is inside, at distance +0.0 rather than -0.0, which would
            // differ from 0.0 under Double.equals.
            boolean inside = preparedArea.covers(p);
            return new StoreProximity(store, inside && toWall > 0 ? -toWall : toWall);
        }
    }

    private record IndexedZone(ZoneFence zone, PreparedGeometry areaInMetres, double areaM2) {
    }
}
