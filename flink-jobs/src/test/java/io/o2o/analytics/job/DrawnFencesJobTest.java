package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.simulator.GroundTruth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job's own fence loading ({@code --fences}) on a file as geojson.io exports it (geo-fences' test resource):
 * it starts, with the defaults the loader assumed in its warnings, and the simulator walks people into stores of
 * unknown capacity.
 */
class DrawnFencesJobTest {

    @Test
    void theJobLoadsFencesAsDrawnAndTheSimulatorVisitsThem() {
        String drawn = root().resolve("geo-fences/src/test/resources/drawn/geojson-io-stores.geojson").toString();
        JobSetup setup = JobSetup.of(CommandLine.parse(new String[] {
                "--fences", drawn, "--simulator.customers", "200", "--simulator.duration", "1h"}), Map.of());

        FenceCatalog fences = setup.fences();
        assertThat(fences.stores()).extracting(StoreFence::id).containsExactly("nj-101", "nj-102");
        assertThat(fences.stores()).noneMatch(StoreFence::hasCapacity);
        assertThat(fences.warnings()).hasSize(3).anySatisfy(w -> assertThat(w).contains("nearBufferM", "nj-101"));
        // No sample offer rules with fences of one's own.
        assertThat(LocationAnalyticsJob.fileRules(setup.options(), fences)).isEmpty();

        GroundTruth truth = setup.simulation().truth();
        assertThat(truth.entriesPerStore()).containsOnlyKeys("nj-101", "nj-102")
                .allSatisfy((store, entries) -> assertThat(entries).as(store).isPositive());
    }

    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("geo-fences/src/test/resources/drawn"))) {
                return d;
            }
        }
        throw new IllegalStateException("no geo-fences/src/test/resources/drawn above " + Path.of("").toAbsolutePath());
    }
}
