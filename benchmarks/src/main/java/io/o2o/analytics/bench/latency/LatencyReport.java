package io.o2o.analytics.bench.latency;

import java.util.List;
import java.util.Locale;

/** The latency table: one row per kind of decision, seconds with one decimal. */
public final class LatencyReport {
    private LatencyReport() {}

    public static String table(List<LatencyRow> rows) {
        int kindWidth = Math.max(4, rows.stream().mapToInt(r -> r.kind().length()).max().orElse(0));
        String format = "%-" + kindWidth + "s %7s %8s %8s %8s %8s %8s  %s%n";
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, format,
                "kind", "count", "unlinked", "p50 s", "p90 s", "p99 s", "max s", "measured from the append of"));
        for (LatencyRow row : rows) {
            Percentiles p = row.figures();
            text.append(String.format(Locale.ROOT, format, row.kind(), String.format(Locale.ROOT, "%,d", p.count()),
                    row.unlinked() < 0 ? "-" : String.format(Locale.ROOT, "%,d", row.unlinked()),
                    seconds(p, p.p50()), seconds(p, p.p90()), seconds(p, p.p99()), seconds(p, p.max()), row.from()));
        }
        return text.toString();
    }

    /** Seconds after the first input record's append, or "none". */
    public static String delay(long firstInputAppend, Long firstAppend) {
        return firstAppend == null ? "none"
                : String.format(Locale.ROOT, "%.1f s", (firstAppend - firstInputAppend) / 1000.0);
    }

    private static String seconds(Percentiles p, long millis) {
        return p.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
