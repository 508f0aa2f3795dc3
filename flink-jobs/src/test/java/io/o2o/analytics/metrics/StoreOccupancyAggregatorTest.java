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
}
