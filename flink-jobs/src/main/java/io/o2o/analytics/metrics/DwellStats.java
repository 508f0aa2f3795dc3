package io.o2o.analytics.metrics;

import java.util.List;

/** Mean, median, 90th percentile (nearest rank) and maximum of a set of dwell times, in seconds. */
public record DwellStats(double meanSeconds, double p50Seconds, double p90Seconds, double maxSeconds) {

    public static DwellStats of(List<Long> dwellMillis) {
        if (dwellMillis.isEmpty()) {
            throw new IllegalArgumentException("no dwell times");
        }
        long[] sorted = dwellMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        double sum = 0;
        for (long d : sorted) {
            sum += d;
        }
        return new DwellStats(
                sum / sorted.length / 1000.0,
                nearestRank(sorted, 0.5) / 1000.0,
                nearestRank(sorted, 0.9) / 1000.0,
                sorted[sorted.length - 1] / 1000.0);
    }

    private static long nearestRank(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
