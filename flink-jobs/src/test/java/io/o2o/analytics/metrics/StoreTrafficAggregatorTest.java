package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StoreTrafficAggregatorTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long ONE_MINUTE = 60_000;
    private static final Duration DECISION_DELAY = Duration.ofMinutes(3);

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreVisitEvent, MetricPoint> harness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreTrafficAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                StoreVisitEvent::storeId,
                Types.STRING);
        harness.open();
        return harness;
    }

    private static StoreVisitEvent event(String type, String device, long at, Long enteredAt) {
        return StoreVisitEvent.of(type, device, null, "sh-001", at, enteredAt, type.equals("enter") ? null : at);
    }

    private static List<MetricPoint> points(
            KeyedOneInputStreamOperatorTestHarness<String, StoreVisitEvent, MetricPoint> harness, String measurement) {
        return harness.extractOutputValues().stream().filter(p -> p.measurement().equals(measurement)).toList();
    }

    @Test
    void aMinuteIsEmittedOnlyOnceTheDecisionDelayHasPassed() throws Exception {
        try (var harness = harness()) {
            harness.processElement(event("enter", "d1", TEN_O_CLOCK + 5_000, TEN_O_CLOCK + 5_000), TEN_O_CLOCK + 5_000);
            harness.processWatermark(TEN_O_CLOCK + ONE_MINUTE + DECISION_DELAY.toMillis() - 2);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(TEN_O_CLOCK + ONE_MINUTE + DECISION_DELAY.toMillis());
            assertThat(points(harness, StoreTrafficAggregator.TRAFFIC)).singleElement().satisfies(p -> {
                assertThat(p.timestampMillis()).isEqualTo(TEN_O_CLOCK);
                assertThat(p.tags()).containsEntry("store", "sh-001").hasSize(1);
                assertThat(p.fields()).containsEntry("entries", 1L).containsEntry("occupancy", 1L);
            });
        }
    }

    @Test
    void occupancyRunsAcrossMinutesAndQuietMinutesStillReportIt() throws Exception {
        try (var harness = harness()) {
            long enterAt = TEN_O_CLOCK + 10_000;
            long exitAt = TEN_O_CLOCK + 3 * ONE_MINUTE + 20_000;
            harness.processElement(event("enter", "d1", enterAt, enterAt), enterAt);
            harness.processElement(event("enter", "d2", enterAt + 1, enterAt + 1), enterAt + 1);
            // Decisions about an exit come later than the exit itself: the record time is the detection time.
            harness.processElement(event("exit", "d1", exitAt, enterAt), exitAt + DECISION_DELAY.toMillis());
            harness.processElement(
                    event("visit", "d1", exitAt, enterAt).withCustomer("c-1"), exitAt + DECISION_DELAY.toMillis());
            harness.processWatermark(TEN_O_CLOCK + 5 * ONE_MINUTE + DECISION_DELAY.toMillis());

            List<MetricPoint> traffic = points(harness, StoreTrafficAggregator.TRAFFIC);
            assertThat(traffic).extracting(MetricPoint::timestampMillis).containsExactly(
                    TEN_O_CLOCK, TEN_O_CLOCK + ONE_MINUTE, TEN_O_CLOCK + 2 * ONE_MINUTE, TEN_O_CLOCK + 3 * ONE_MINUTE,
                    TEN_O_CLOCK + 4 * ONE_MINUTE);
            assertThat(traffic).extracting(p -> p.fields().get("occupancy")).containsExactly(2L, 2L, 2L, 1L, 1L);
            assertThat(traffic.get(3).fields())
                    .containsEntry("exits", 1L)
                    .containsEntry("visits", 1L)
                    .containsEntry("known_visits", 1L)
                    .containsEntry("visitors", 1L);

            assertThat(points(harness, StoreTrafficAggregator.DWELL)).singleElement().satisfies(p -> {
                assertThat(p.timestampMillis()).isEqualTo(TEN_O_CLOCK + 3 * ONE_MINUTE);
                assertThat(p.fields()).containsEntry("visits", 1L)
                        .containsEntry("p50_s", (exitAt - enterAt) / 1000.0);
            });
        }
    }

    @Test
    void stateIsClearedOnceTheStoreIsEmpty() throws Exception {
        try (var harness = harness()) {
            harness.processElement(event("pass_by", "d1", TEN_O_CLOCK, null), TEN_O_CLOCK);
            harness.processWatermark(TEN_O_CLOCK + 10 * ONE_MINUTE);
            assertThat(points(harness, StoreTrafficAggregator.TRAFFIC)).singleElement()
                    .satisfies(p -> assertThat(p.fields()).containsEntry("passers_by", 1L));
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void dwellPercentilesUseTheNearestRank() {
        DwellStats stats = DwellStats.of(List.of(60_000L, 120_000L, 180_000L, 240_000L, 600_000L));
        assertThat(stats.meanSeconds()).isEqualTo(240.0);
        assertThat(stats.p50Seconds()).isEqualTo(180.0);
        assertThat(stats.p90Seconds()).isEqualTo(600.0);
        assertThat(stats.maxSeconds()).isEqualTo(600.0);
    }
}
