package io.o2o.analytics.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.InputTopic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of the report, on made-up figures: nothing here is timed. */
class BenchmarkReportTest {
    private static final long SECOND = 1_000_000_000L;
    private static final BenchmarkInput INPUT = new BenchmarkInput(Map.of(InputTopic.LBS_PINGS, "pings"), 700_000, 9_000, 5_000);

    private static RunFigures run(String pipeline, int round, long wallSeconds, long cpuSeconds, long fullBytes) {
        return new RunFigures(pipeline, round, 700_000, wallSeconds * SECOND, cpuSeconds * SECOND,
                new CheckpointFigures(3, 0, fullBytes, fullBytes / 4, 2_500));
    }

    @Test
    void statePerDeviceIsTheLargestFullCheckpointOverTheDistinctPhones() {
        CheckpointFigures checkpoints = new CheckpointFigures(5, 0, 36_000_000, 4_000_000, 27_500);

        assertThat(checkpoints.bytesPer(9_000)).isEqualTo(4_000.0);
        assertThat(checkpoints.bytesPer(0)).isZero();
        assertThat(CheckpointFigures.NONE.bytesPer(9_000)).isZero();
    }

    @Test
    void ratesPerWallAndPerCpuSecond() {
        RunFigures figures = run("whole job", 1, 100, 200, 0);

        assertThat(figures.recordsPerSecond()).isEqualTo(7_000.0);
        assertThat(figures.recordsPerCpuSecond()).isEqualTo(3_500.0);
        assertThat(figures.coresBusy()).isEqualTo(2.0);
    }

    @Test
    void ratiosAreOfTheMedians() {
        List<RunFigures> runs = List.of(
                run("pass-through", 1, 12, 20, 500), run("whole job", 1, 100, 190, 36_000_000),
                run("pass-through", 2, 9, 10, 500), run("whole job", 2, 120, 210, 30_000_000),
                run("pass-through", 3, 10, 10, 500), run("whole job", 3, 110, 200, 33_000_000));

        String report = BenchmarkReport.format(runs, "pass-through", "whole job", INPUT);

        assertThat(BenchmarkReport.median(runs.subList(0, 4), RunFigures::wallSeconds)).isEqualTo(56.0);
        assertThat(report).contains("Median of 3 rounds (best in brackets; round 1 runs on a cold JVM):");
        assertThat(report).contains("CPU 10.0 (10.0) s, 70,000 (70,000) records per CPU-second");
        assertThat(report).contains("pass-through   wall 10.0 (9.0) s");
        assertThat(report).contains("whole job / pass-through: 20.0x the CPU seconds, 11.0x the wall time (medians)");
        assertThat(report).contains("state per tracked device: 34.3 MiB / 9,000 phones (distinct deviceIds in lbs-pings) = 3.9 KiB");
    }

    @Test
    void sizesInBinaryUnits() {
        assertThat(BenchmarkReport.bytes(468)).isEqualTo("468 B");
        assertThat(BenchmarkReport.bytes(4_000)).isEqualTo("3.9 KiB");
        assertThat(BenchmarkReport.bytes(8_283_750)).isEqualTo("7.9 MiB");
        assertThat(BenchmarkReport.millis(27_500)).isEqualTo("27.5 s");
        assertThat(BenchmarkReport.millis(0)).isEqualTo("-");
    }
}
