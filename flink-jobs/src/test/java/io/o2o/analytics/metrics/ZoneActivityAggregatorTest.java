package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.zones.ZoneSignal;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ZoneActivityAggregatorTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final Duration DELAY = Duration.ofSeconds(140);
    private static final String ZONE = "sh-001-checkout";

    private static ZoneSignal left(String device, long enteredAt, long exitedAt) {
        return ZoneSignal.left(ZoneVisit.of(device, "sh-001", ZONE, enteredAt, exitedAt, 3));
    }

    @Test
    void aMinuteCountsEntriesOccupancyAndTheDwellOfTheZoneVisitsThatEndedInIt() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ZoneActivityAggregator(Duration.ofMinutes(1), DELAY, Set.of(), 4,
                        Duration.ofMinutes(4))),
                ZoneSignal::zoneKey,
                Types.STRING)) {
            h.open();
            long minute = TEN_O_CLOCK + 20 * MINUTE;
            List<ZoneSignal> signals = List.of(
                    ZoneSignal.entered("sh-001", ZONE, minute + 5 * SECOND),
                    ZoneSignal.entered("sh-001", ZONE, minute + 6 * SECOND),
                    left("d1", minute - 30 * SECOND, minute + 10 * SECOND),
                    left("d2", minute - 3 * MINUTE, minute + 20 * SECOND),
                    left("d3", minute - 10 * MINUTE, minute + 30 * SECOND),
                    left("d4", minute - 20 * MINUTE, minute + 40 * SECOND),
                    ZoneSignal.entered("sh-001", ZONE, minute - 30 * MINUTE),
                    ZoneSignal.entered("sh-001", ZONE, minute - 30 * MINUTE),
                    ZoneSignal.entered("sh-001", ZONE, minute - 30 * MINUTE),
                    ZoneSignal.entered("sh-001", ZONE, minute - 30 * MINUTE));
            for (ZoneSignal signal : signals) {
                h.processElement(signal, signal.ts());
            }
            h.processWatermark(minute + MINUTE + DELAY.toMillis() - 1);
            MetricPoint last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            assertThat(last.timestampMillis()).isEqualTo(minute);
            assertThat(last.tags()).containsEntry("store", "sh-001").containsEntry("zone", ZONE);
            assertThat(last.fields())
                    .containsEntry("entries", 2L)
                    .containsEntry("visits", 4L)
                    .containsEntry("occupancy", 2L)
                    .containsEntry("dwell_under_1m", 1L)
                    .containsEntry("dwell_1_5m", 1L)
                    .containsEntry("dwell_5_15m", 1L)
                    .containsEntry("dwell_over_15m", 1L)
                    .containsEntry("p50_s", 200.0)
                    .containsEntry("p90_s", 1240.0);
            assertThat(h.extractOutputValues()).as("a point every minute while someone is in the zone")
                    .extracting(MetricPoint::timestampMillis).contains(minute - 10 * MINUTE);
            assertThat(last.fields()).as("not a checkout zone").doesNotContainKeys("queue", "mean_wait_s");
        }
    }

    @Test
    void aCheckoutZoneQueuesWhileEnoughDevicesHaveWaitedLongEnough() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ZoneActivityAggregator(Duration.ofMinutes(1), DELAY, Set.of(ZONE), 3,
                        Duration.ofMinutes(4))),
                ZoneSignal::zoneKey,
                Types.STRING)) {
            h.open();
            // Three devices join the line at 10:00, 10:01 and 10:02; the first pays and leaves at 10:06.
            for (int i = 0; i < 3; i++) {
                ZoneSignal joined = ZoneSignal.entered("sh-001", ZONE, TEN_O_CLOCK + i * MINUTE + SECOND);
                h.processElement(joined, joined.ts());
            }
            ZoneSignal paid = left("d0", TEN_O_CLOCK + SECOND, TEN_O_CLOCK + 6 * MINUTE + SECOND);
            h.processElement(paid, paid.ts());
            h.processWatermark(TEN_O_CLOCK + 8 * MINUTE + DELAY.toMillis());

            List<MetricPoint> points = h.extractOutputValues();
            assertThat(points).extracting(p -> p.fields().get("queue"))
                    .as("10:00 .. 10:07").containsExactly(0L, 0L, 0L, 0L, 0L, 1L, 0L, 0L);
            // At the end of the 10:05 minute the three have waited 5:59, 4:59 and 3:59: 4:59 on average.
            assertThat(points.get(5).fields()).containsEntry("mean_wait_s", 300.0 - 1.0).containsEntry("occupancy", 3L);
            assertThat(points.get(6).fields()).containsEntry("occupancy", 2L);
        }
    }
}
