package io.o2o.analytics.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles on made-up latencies: nothing here is timed. */
class PercentilesTest {

    @Test
    void aHundredLatenciesGiveTheirOwnRanks() {
        long[] millis = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray();

        Percentiles p = Percentiles.of(millis);

        assertThat(p).isEqualTo(new Percentiles(100, 50, 90, 99, 100));
    }

    @Test
    void everyFigureIsALatencyThatWasMeasured() {
        Percentiles p = Percentiles.of(List.of(52_000L, 89_000L, 41_000L));

        // Ranks ceil(1.5) = 2, ceil(2.7) = 3, ceil(2.97) = 3 of the sorted 41, 52, 89 s.
        assertThat(p).isEqualTo(new Percentiles(3, 52_000, 89_000, 89_000, 89_000));
    }

    @Test
    void oneLatencyIsEveryPercentile() {
        assertThat(Percentiles.of(new long[] {7})).isEqualTo(new Percentiles(1, 7, 7, 7, 7));
    }

    @Test
    void noLatenciesIsNone() {
        assertThat(Percentiles.of(new long[0])).isEqualTo(Percentiles.NONE);
        assertThat(Percentiles.NONE.isEmpty()).isTrue();
    }

    @Test
    void theTablePrintsSecondsAndADashForAnEmptyRow() {
        String table = LatencyReport.table(List.of(
                new LatencyRow("enter", "the confirming ping", new Percentiles(2, 51_950, 88_960, 88_960, 88_960), 0),
                new LatencyRow("geo-offer on enter", "the confirming ping", Percentiles.NONE, 3),
                new LatencyRow("input", "its own event time", new Percentiles(1, 400, 400, 400, 400), -1)));

        assertThat(table.lines()).containsExactly(
                "kind                 count unlinked    p50 s    p90 s    p99 s    max s  measured from the append of",
                "enter                    2        0     52.0     89.0     89.0     89.0  the confirming ping",
                "geo-offer on enter       0        3        -        -        -        -  the confirming ping",
                "input                    1        -      0.4      0.4      0.4      0.4  its own event time");
        assertThat(LatencyReport.delay(1_000, 72_500L)).isEqualTo("71.5 s");
        assertThat(LatencyReport.delay(1_000, null)).isEqualTo("none");
    }
}
