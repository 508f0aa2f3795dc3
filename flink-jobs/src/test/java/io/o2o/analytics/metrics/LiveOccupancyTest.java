package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LiveOccupancyTest {
    private static final long TEN = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private static StoreVisitEvent enter(String device, long firstInside, long confirmed) {
        return StoreVisitEvent.of(StoreVisitEvent.ENTER, device, null, "sh-001", firstInside, firstInside, null)
                .decidedAt(confirmed);
    }

    private static StoreVisitEvent exit(String device, long enteredAt, long lastPresence) {
        return StoreVisitEvent.of(StoreVisitEvent.EXIT, device, null, "sh-001", lastPresence, enteredAt, lastPresence);
    }

    @Test
    void eachLiveEntryAndExitWritesTheCountNowNoEarlierThanThePreviousPoint() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LiveOccupancy()), StoreVisitEvent::storeId, Types.STRING)) {
            harness.open();
            harness.processElement(enter("d1", TEN, TEN + 30_000), TEN + 30_000);
            harness.processElement(enter("d2", TEN + MINUTE, TEN + 2 * MINUTE), TEN + 2 * MINUTE);
            // d1's exit is decided after d2's entry but dated at d1's last presence, before it.
            harness.processElement(exit("d1", TEN, TEN + MINUTE + 30_000), TEN + 5 * MINUTE);
            harness.processElement(exit("d2", TEN + MINUTE, TEN + 20 * MINUTE), TEN + 23 * MINUTE);
            // An exit with no entry counted (state older than the visit): the count stays at nobody.
            harness.processElement(exit("d3", TEN, TEN + 21 * MINUTE), TEN + 24 * MINUTE);

            assertThat(harness.extractOutputValues())
                    .extracting(p -> p.measurement(), p -> p.tags().get("store"), p -> p.fields().get("devices"),
                            MetricPoint::timestampMillis)
                    .containsExactly(
                            tuple(LiveOccupancy.MEASUREMENT, "sh-001", 1L, TEN + 30_000),
                            tuple(LiveOccupancy.MEASUREMENT, "sh-001", 2L, TEN + 2 * MINUTE),
                            tuple(LiveOccupancy.MEASUREMENT, "sh-001", 1L, TEN + 2 * MINUTE),
                            tuple(LiveOccupancy.MEASUREMENT, "sh-001", 0L, TEN + 20 * MINUTE),
                            tuple(LiveOccupancy.MEASUREMENT, "sh-001", 0L, TEN + 21 * MINUTE));
        }
    }
}
