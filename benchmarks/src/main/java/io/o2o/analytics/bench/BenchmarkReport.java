package io.o2o.analytics.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The table the pipeline benchmark prints: every run, then per pipeline the median and best run over the
 * rounds, the ratios whole job / pass-through (of the medians), and the job's state per tracked device.
 */
public final class BenchmarkReport {
    private BenchmarkReport() {}

    public static String format(List<RunFigures> runs, String passThrough, String job, BenchmarkInput input) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%-5s %-14s %11s %8s %11s %8s %6s %11s %5s %10s %10s %9s%n",
                "round", "pipeline", "records", "wall s", "records/s", "CPU s", "cores", "rec/CPU-s",
                "ckpts", "max full", "max incr", "max ckpt"));
        for (RunFigures run : runs) {
            CheckpointFigures c = run.checkpoints();
            text.append(String.format(Locale.ROOT, "%-5d %-14s %,11d %8.1f %,11.0f %8.1f %6.2f %,11.0f %5d %10s %10s %9s%n",
                    run.round(), run.pipeline(), run.records(), run.wallSeconds(), run.recordsPerSecond(),
                    run.cpuSeconds(), run.coresBusy(), run.recordsPerCpuSecond(), c.completed(),
                    bytes(c.maxFullBytes()), bytes(c.maxIncrementalBytes()), millis(c.maxDurationMillis())));
        }
        List<RunFigures> passRuns = runs.stream().filter(r -> r.pipeline().equals(passThrough)).toList();
        List<RunFigures> jobRuns = runs.stream().filter(r -> r.pipeline().equals(job)).toList();
        if (passRuns.isEmpty() || jobRuns.isEmpty()) {
            return text.toString();
        }
        int rounds = Math.min(passRuns.size(), jobRuns.size());
        text.append('\n').append(rounds > 1
                ? String.format(Locale.ROOT, "Median of %d rounds (best in brackets; round 1 runs on a cold JVM):%n", rounds)
                : "One round (--repeat K for medians):\n");
        for (List<RunFigures> of : List.of(passRuns, jobRuns)) {
            text.append(String.format(Locale.ROOT, "  %-14s wall %s s, %s records/s, CPU %s s, %s records per CPU-second%n",
                    of.get(0).pipeline(),
                    medianAndBest(of, RunFigures::wallSeconds, "%.1f", false),
                    medianAndBest(of, RunFigures::recordsPerSecond, "%,.0f", true),
                    medianAndBest(of, RunFigures::cpuSeconds, "%.1f", false),
                    medianAndBest(of, RunFigures::recordsPerCpuSecond, "%,.0f", true)));
        }
        text.append(String.format(Locale.ROOT, "  %s / %s: %.1fx the CPU seconds, %.1fx the wall time (medians)%n",
                job, passThrough,
                median(jobRuns, RunFigures::cpuSeconds) / median(passRuns, RunFigures::cpuSeconds),
                median(jobRuns, RunFigures::wallSeconds) / median(passRuns, RunFigures::wallSeconds)));
        CheckpointFigures largest = jobRuns.stream().map(RunFigures::checkpoints)
                .max(Comparator.comparingLong(CheckpointFigures::maxFullBytes)).orElse(CheckpointFigures.NONE);
        long longest = jobRuns.stream().mapToLong(r -> r.checkpoints().maxDurationMillis()).max().orElse(0);
        text.append(String.format(Locale.ROOT, "  %s checkpoints: largest full %s, longest %s%n",
                job, bytes(largest.maxFullBytes()), millis(longest)));
        text.append(String.format(Locale.ROOT,
                "  state per tracked device: %s / %,d phones (distinct deviceIds in lbs-pings) = %s%n",
                bytes(largest.maxFullBytes()), input.phones(), bytes(Math.round(largest.bytesPer(input.phones())))));
        return text.toString();
    }

    static double median(List<RunFigures> runs, ToDoubleFunction<RunFigures> figure) {
        List<Double> values = new ArrayList<>();
        runs.forEach(r -> values.add(figure.applyAsDouble(r)));
        values.sort(Double::compare);
        int n = values.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** The median, and in brackets the best run: the least time, or the highest rate. */
    private static String medianAndBest(List<RunFigures> runs, ToDoubleFunction<RunFigures> figure, String format,
            boolean higherIsBetter) {
        String median = String.format(Locale.ROOT, format, median(runs, figure));
        if (runs.size() < 2) {
            return median;
        }
        double best = higherIsBetter ? runs.stream().mapToDouble(figure).max().orElse(0)
                : runs.stream().mapToDouble(figure).min().orElse(0);
        return median + " (" + String.format(Locale.ROOT, format, best) + ")";
    }

    /** Binary units, one decimal: 3.2 KiB, 41.7 MiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String millis(long ms) {
        return ms == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
