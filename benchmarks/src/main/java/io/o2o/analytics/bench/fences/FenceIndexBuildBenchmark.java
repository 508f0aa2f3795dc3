package io.o2o.analytics.bench.fences;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import io.o2o.analytics.fence.FenceIndex;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Time to build an index from fences already in memory: what every operator instance pays in {@code open()}, at
 * every start and restore; and, for comparison, reading and validating the GeoJSON as well (the client does that
 * once per submission).
 * {@link FenceIndex#build} projects each footprint to metres, prepares it and computes its walls; the JTS
 * baselines only insert the footprints (prepared, or not) into an {@code STRtree} and build it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class FenceIndexBuildBenchmark {
    @Param({"100", "1000", "10000", "100000"})
    public int fences;

    String geoJson;
    FenceCatalog catalog;
    List<Polygon> footprints;

    @Setup(Level.Trial)
    public void generate() {
        SyntheticCity city = SyntheticCity.generate(fences, 1, FenceLookupBenchmark.SEED);
        geoJson = city.geoJson();
        catalog = city.catalog();
        footprints = city.stores();
    }

    /** What a job pays at submission ({@code FenceCatalog.load}: read and validate) and then in open(). */
    @Benchmark
    public FenceIndex fenceCatalogParseAndIndexBuild() throws FenceFileException {
        return FenceIndex.build(FenceCatalog.fromGeoJson(geoJson, "synthetic"));
    }

    @Benchmark
    public FenceIndex fenceIndexBuild() {
        return FenceIndex.build(catalog);
    }

    @Benchmark
    public STRtree jtsStrTreeBuild() {
        STRtree tree = new STRtree();
        for (Polygon store : footprints) {
            tree.insert(store.getEnvelopeInternal(), store);
        }
        tree.build();
        return tree;
    }

    @Benchmark
    public STRtree jtsPreparedGeometryBuild() {
        STRtree tree = new STRtree();
        for (Polygon store : footprints) {
            PreparedGeometry prepared = PreparedGeometryFactory.prepare(store);
            tree.insert(store.getEnvelopeInternal(), prepared);
        }
        tree.build();
        return tree;
    }
}
