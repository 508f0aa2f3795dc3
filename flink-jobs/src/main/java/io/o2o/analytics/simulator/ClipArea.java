package io.o2o.analytics.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.locationtech.jts.algorithm.LineIntersector;
import org.locationtech.jts.algorithm.RobustLineIntersector;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * An area (footprint or near-buffer) that answers "which parts of this straight walk are inside?" quickly.
 *
 * <p>Every candidate path and every leg of every trajectory is clipped against several stores, tens of
 * thousands of times per run; a general overlay ({@code Geometry.intersection}) is far too slow for that. A
 * straight segment only changes sides where it crosses a ring, so the crossings split it into pieces that are
 * wholly inside or wholly outside, and one point-in-area test per piece decides which.
 */
final class ClipArea {
    private static final GeometryFactory METRIC = new GeometryFactory();

    private final Geometry geometry;
    private final PreparedGeometry prepared;
    private final Envelope envelope;
    private final List<Coordinate[]> rings = new ArrayList<>();

    ClipArea(Geometry geometry) {
        this.geometry = geometry;
        this.prepared = PreparedGeometryFactory.prepare(geometry);
        this.envelope = geometry.getEnvelopeInternal();
        for (int i = 0; i < geometry.getNumGeometries(); i++) {
            if (geometry.getGeometryN(i) instanceof Polygon polygon) {
                rings.add(polygon.getExteriorRing().getCoordinates());
                for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
                    rings.add(polygon.getInteriorRingN(h).getCoordinates());
                }
            }
        }
    }

    Geometry geometry() {
        return geometry;
    }

    Envelope envelope() {
        return envelope;
    }

    /** Inside or on the boundary, as the engine counts a fix on a wall. */
    boolean covers(Coordinate c) {
        return envelope.covers(c) && prepared.covers(METRIC.createPoint(c));
    }

    /**
     * The pieces of the segment from {@code a} to {@code b} inside the area, as fractions {from, to} of the way
     * from a to b, in order. Pieces of zero length (a touch at a corner) are left out.
     */
    List<double[]> inside(Coordinate a, Coordinate b) {
        if (!envelope.intersects(a, b)) {
            return List.of();
        }
        if (a.equals2D(b)) {
            return covers(a) ? List.of(new double[] {0, 1}) : List.of();
        }
        double[] cuts = crossings(a, b);
        List<double[]> pieces = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            double from = cuts[i];
            double to = cuts[i + 1];
            if (to <= from) {
                continue;
            }
            double mid = (from + to) / 2;
            if (!covers(new Coordinate(a.x + mid * (b.x - a.x), a.y + mid * (b.y - a.y)))) {
                continue;
            }
            double[] last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
            if (last != null && last[1] >= from) {
                last[1] = to;
            } else {
                pieces.add(new double[] {from, to});
            }
        }
        return pieces;
    }

    /** How many metres of the segment lie inside. */
    double lengthInside(Coordinate a, Coordinate b) {
        double total = 0;
        for (double[] piece : inside(a, b)) {
            total += piece[1] - piece[0];
        }
        return total * a.distance(b);
    }

    /** How many separate times a walk along {@code path} is inside: 0 for never, 2 for in, out and in again. */
    int runs(List<Coordinate> path) {
        int runs = 0;
        boolean insideAtJoin = false;
        for (int i = 0; i + 1 < path.size(); i++) {
            List<double[]> pieces = inside(path.get(i), path.get(i + 1));
            for (int p = 0; p < pieces.size(); p++) {
                boolean continues = p == 0 && insideAtJoin && pieces.get(p)[0] == 0;
                if (!continues) {
                    runs++;
                }
            }
            insideAtJoin = !pieces.isEmpty() && pieces.get(pieces.size() - 1)[1] == 1;
        }
        return runs;
    }

    /** 0, 1 and the fractions at which the segment meets a ring, sorted. */
    private double[] crossings(Coordinate a, Coordinate b) {
        LineIntersector intersector = new RobustLineIntersector();
        Envelope segment = new Envelope(a, b);
        double dx = b.x - a.x;
        double dy = b.y - a.y;
        double lengthSquared = dx * dx + dy * dy;
        double[] cuts = new double[8];
        int count = 0;
        cuts[count++] = 0;
        cuts[count++] = 1;
        for (Coordinate[] ring : rings) {
            for (int i = 0; i + 1 < ring.length; i++) {
                Coordinate p = ring[i];
                Coordinate q = ring[i + 1];
                if (!segment.intersects(p, q)) {
                    continue;
                }
                intersector.computeIntersection(a, b, p, q);
                for (int k = 0; k < intersector.getIntersectionNum(); k++) {
                    Coordinate x = intersector.getIntersection(k);
                    double f = ((x.x - a.x) * dx + (x.y - a.y) * dy) / lengthSquared;
                    if (count == cuts.length) {
                        cuts = Arrays.copyOf(cuts, count * 2);
                    }
                    cuts[count++] = Math.max(0, Math.min(1, f));
                }
            }
        }
        double[] sorted = Arrays.copyOf(cuts, count);
        Arrays.sort(sorted);
        return sorted;
    }
}
