package io.o2o.analytics.bench.fences;

import io.o2o.analytics.fence.FenceIndex;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lookups per second, one thread: the job's {@link FenceIndex#storesNear} (every store whose 50 m near-buffer
 * holds the point, with its signed distance in metres, nearest first) against plain JTS answering the narrower
 * question "which footprints contain the point" with an {@code STRtree} of the footprints and
 * {@code Geometry.contains}, or {@code PreparedGeometry.contains}. The difference is the price of the metric
 * distances and the buffer.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class FenceLookupBenchmark {
    static final long SEED = 20260307L;
    /** A power of two, so that the next point is an AND away; enough that the branch predictor cannot learn them. */
    static final int POINTS = 1 << 16;

    @Param({"100", "1000", "10000", "100000"})
    public int fences;

    SyntheticCity city;
    FenceIndex fenceIndex;
    STRtree footprints;
    STRtree preparedFootprints;
    final GeometryFactory wgs84 = new GeometryFactory();

    @Setup(Level.Trial)
    public void build() {
        city = SyntheticCity.generate(fences, POINTS, SEED);
        fenceIndex = FenceIndex.build(city.catalog());
        footprints = new STRtree();
        preparedFootprints = new STRtree();
        for (Polygon store : city.stores()) {
            footprints.insert(store.getEnvelopeInternal(), store);
            preparedFootprints.insert(store.getEnvelopeInternal(), PreparedGeometryFactory.prepare(store));
        }
        footprints.build();
        preparedFootprints.build();
    }

    /** Each thread walks the points from its own cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            return next++ & (POINTS - 1);
        }
    }

    @Benchmark
    public Object fenceIndexStoresNear(Cursor cursor) {
        int i = cursor.advance();
        return fenceIndex.storesNear(city.lat(i), city.lon(i));
    }

    @Benchmark
    public int jtsStrTreeContains(Cursor cursor) {
        int i = cursor.advance();
        Point point = wgs84.createPoint(new Coordinate(city.lon(i), city.lat(i)));
        @SuppressWarnings("unchecked")
        List<Polygon> candidates = footprints.query(point.getEnvelopeInternal());
        int inside = 0;
        for (Polygon candidate : candidates) {
            if (candidate.contains(point)) {
                inside++;
            }
        }
        return inside;
    }

    @Benchmark
    public int jtsPreparedGeometryContains(Cursor cursor) {
        int i = cursor.advance();
        Point point = wgs84.createPoint(new Coordinate(city.lon(i), city.lat(i)));
        @SuppressWarnings("unchecked")
        List<PreparedGeometry> candidates = preparedFootprints.query(new Envelope(point.getCoordinate()));
        int inside = 0;
        for (PreparedGeometry candidate : candidates) {
            if (candidate.contains(point)) {
                inside++;
            }
        }
        return inside;
    }
}
