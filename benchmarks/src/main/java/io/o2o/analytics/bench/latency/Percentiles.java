package io.o2o.analytics.bench.latency;

import java.util.Arrays;
import java.util.Collection;

/**
 * The spread of a set of latencies, in milliseconds: nearest-rank percentiles (the smallest value with at least
 * p % of the values at or below it), so every figure is a latency that was measured, not an interpolation.
 */
public record Percentiles(int count, long p50, long p90, long p99, long max) {

    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

    public static Percentiles of(Collection<Long> millis) {
        return of(millis.stream().mapToLong(Long::longValue).toArray());
    }

    public static Percentiles of(long[] millis) {
        if (millis.length == 0) {
            return NONE;
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, nearestRank(sorted, 50), nearestRank(sorted, 90),
                nearestRank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The value at rank ceil(p/100 * n), 1-based, of sorted values. */
    static long nearestRank(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
