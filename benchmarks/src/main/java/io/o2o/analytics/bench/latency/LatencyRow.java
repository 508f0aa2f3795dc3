package io.o2o.analytics.bench.latency;

/**
 * One line of the latency table.
 *
 * @param kind the decision measured, e.g. {@code enter}
 * @param from what its latency is measured from, in words
 * @param unlinked decisions of this kind in the window whose starting point was not found (not in the figures);
 *     -1 where a row needs no link
 */
public record LatencyRow(String kind, String from, Percentiles figures, long unlinked) {}
