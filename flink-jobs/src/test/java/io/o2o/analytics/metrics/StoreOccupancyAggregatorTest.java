package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StoreOccupancyAggregatorTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final Duration DECISION_DELAY = Duration.ofMinutes(3);

    /** The counter's reading for the minute starting at {@code minuteStart}, stamped with its last millisecond. */
    private static OccupancySignal door(long minuteStart, int in, int out) {
        return OccupancySignal.door(new StoreSensorEvent(
                "sh-001-door", "sh-001", null, StoreSensorEvent.DOOR_COUNTER, null, null, in, out, minuteStart + MINUTE - 1));
    }

    private static OccupancySignal phone(String type, String device, long at) {
        return OccupancySignal.device(StoreVisitEvent.of(type, device, null, "sh-001", at, at, null));
    }

    private static List<MetricPoint> run(List<OccupancySignal> signals, long watermark) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreOccupancyAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                OccupancySignal::storeId,
                Types.STRING)) {
            h.open();
            for (OccupancySignal signal : signals) {
                h.processElement(signal, signal.ts());
            }
            h.processWatermark(watermark);
            List<MetricPoint> points = h.extractOutputValues();
            if (watermark == Long.MAX_VALUE) {
                assertThat(h.numKeyedStateEntries()).as("an empty store leaves no state").isZero();
            }
            return points;
        }
    }

    @Test
    void theDoorCountsEveryoneAndThePhonesAShareOfThem() throws Exception {
        List<MetricPoint> points = run(List.of(
                        door(TEN_O_CLOCK, 5, 0),
                        phone(StoreVisitEvent.ENTER, "d1", TEN_O_CLOCK + 10_000),
                        phone(StoreVisitEvent.ENTER, "d2", TEN_O_CLOCK + 20_000),
                        door(TEN_O_CLOCK + MINUTE, 1, 2),
                        phone(StoreVisitEvent.EXIT, "d1", TEN_O_CLOCK + MINUTE + 5_000)),
                TEN_O_CLOCK + 2 * MINUTE + DECISION_DELAY.toMillis());
        assertThat(points).allSatisfy(p -> assertThat(p.tags()).containsOnlyKeys("store"));
        assertThat(points).extracting(MetricPoint::timestampMillis).containsExactly(TEN_O_CLOCK, TEN_O_CLOCK + MINUTE);
        assertThat(points.get(0).fields())
                .containsEntry("door_in", 5L)
                .containsEntry("door_out", 0L)
                .containsEntry("door_occupancy", 5L)
                .containsEntry("device_occupancy", 2L)
                .containsEntry("device_share", 0.4);
        assertThat(points.get(1).fields())
                .containsEntry("door_occupancy", 4L)
                .containsEntry("device_occupancy", 1L)
                .containsEntry("device_share", 0.25);
    }

    @Test
    void quietMinutesKeepReportingUntilTheStoreIsEmptyAndNeverGoBelowZero() throws Exception {
        List<MetricPoint> points = run(List.of(
                        door(TEN_O_CLOCK, 2, 0),
                        door(TEN_O_CLOCK + 3 * MINUTE, 0, 3)),
                Long.MAX_VALUE);
        assertThat(points).extracting(p -> p.fields().get("door_occupancy")).containsExactly(2L, 2L, 2L, 0L);
        assertThat(points.get(3).fields()).doesNotContainKey("device_share");
    }

    @Test
    @Timeout(60) // Before the fix, this one emitted a point for every minute until the end of time.
    void aStoreLeftWithSomeoneInsideStopsReportingAtTheEndOfInput() throws Exception {
        // A door counter that never returns to zero: the job must still finish (drain, bounded run).
        List<MetricPoint> points;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreOccupancyAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                OccupancySignal::storeId,
                Types.STRING)) {
            h.open();
            for (OccupancySignal signal : List.of(door(TEN_O_CLOCK, 1, 0), door(TEN_O_CLOCK + 2 * MINUTE, 0, 0))) {
                h.processElement(signal, signal.ts());
            }
            h.processWatermark(Long.MAX_VALUE);
            points = h.extractOutputValues();
            assertThat(h.numEventTimeTimers()).isZero();
        }
        assertThat(points).extracting(MetricPoint::timestampMillis)
                .containsExactly(TEN_O_CLOCK, TEN_O_CLOCK + MINUTE, TEN_O_CLOCK + 2 * MINUTE);
        assertThat(points).extracting(p -> p.fields().get("door_occupancy")).containsOnly(1L);
    }

    @Test
    void aQuietStoreWithSomeoneInsideIsCarriedForADayAtMost() throws Exception {
        long dayLater = TEN_O_CLOCK + EventTimeBuckets.CARRY_LIMIT.toMillis();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreOccupancyAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                OccupancySignal::storeId,
                Types.STRING)) {
            h.open();
            OccupancySignal signal = door(TEN_O_CLOCK, 1, 0);
            h.processElement(signal, signal.ts());
            // Live: the watermark moves on a week (other stores' input), one step at a time.
            for (long wm = TEN_O_CLOCK; wm <= TEN_O_CLOCK + Duration.ofDays(7).toMillis(); wm += 10 * MINUTE) {
                h.processWatermark(wm);
            }
            List<MetricPoint> points = h.extractOutputValues();
            assertThat(points).extracting(MetricPoint::timestampMillis)
                    .startsWith(TEN_O_CLOCK, TEN_O_CLOCK + MINUTE)
                    .allSatisfy(t -> assertThat(t).isLessThan(dayLater + MINUTE));
            assertThat(points).hasSize((int) (EventTimeBuckets.CARRY_LIMIT.toMillis() / MINUTE) + 1);
            assertThat(h.numEventTimeTimers()).as("nothing left to emit").isZero();

            // The store's next reading continues from the occupancy it was left with.
            OccupancySignal later = door(TEN_O_CLOCK + Duration.ofDays(8).toMillis(), 0, 1);
            h.processElement(later, later.ts());
            h.processWatermark(Long.MAX_VALUE);
            List<MetricPoint> all = h.extractOutputValues();
            assertThat(all.get(all.size() - 1).fields()).containsEntry("door_occupancy", 0L);
            assertThat(h.numKeyedStateEntries()).as("an empty store leaves no state").isZero();
        }
    }
}
