package io.o2o.analytics.visits;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.metrics.StoreCustomerEvent;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ReturningVisitorsTest {
    private static final long MONDAY = Instant.parse("2026-03-02T02:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long TWENTY_MINUTES = Duration.ofMinutes(20).toMillis();
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);

    private static StoreVisitEvent visit(String device, String store, long enteredAt) {
        long exitedAt = enteredAt + TWENTY_MINUTES;
        return StoreVisitEvent.of(StoreVisitEvent.VISIT, device, null, store, exitedAt, enteredAt, exitedAt);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreVisitEvent, StoreCustomerEvent> harness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ReturningVisitors(THIRTY_DAYS)), ReturningVisitors::keyOf, Types.STRING);
        harness.open();
        return harness;
    }

    @Test
    void aSecondVisitToTheSameStoreWithinTheWindowIsReturningAndTheFirstAndOtherStoresAreNew() throws Exception {
        try (var h = harness()) {
            for (StoreVisitEvent v : new StoreVisitEvent[] {
                visit("d1", "sh-001", MONDAY),
                visit("d1", "sh-002", MONDAY + DAY),
                visit("d1", "sh-001", MONDAY + 29 * DAY),
                visit("d2", "sh-001", MONDAY + 29 * DAY)
            }) {
                h.processElement(v, v.eventTime());
            }
            assertThat(h.extractOutputValues()).extracting(StoreCustomerEvent::returning)
                    .containsExactly(false, false, true, false);
        }
    }

    @Test
    void theMemoryEndsWithTheWindowAndLeavesNoState() throws Exception {
        try (var h = harness()) {
            StoreVisitEvent first = visit("d1", "sh-001", MONDAY);
            h.processElement(first, first.eventTime());
            h.processWatermark(first.exitedAt() + THIRTY_DAYS.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
            StoreVisitEvent late = visit("d1", "sh-001", first.exitedAt() + THIRTY_DAYS.toMillis() + 1);
            h.processElement(late, late.eventTime());
            assertThat(h.extractOutputValues()).extracting(StoreCustomerEvent::returning).containsExactly(false, false);
        }
    }
}
