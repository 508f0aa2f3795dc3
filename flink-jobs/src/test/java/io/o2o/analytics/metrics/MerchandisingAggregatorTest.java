package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MerchandisingAggregatorTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final String DISPLAY = "sh-001-display";
    private static final String AISLE = "sh-001-aisle-1";

    private static ZoneVisit stay(String device, String zone, long enteredAt, long dwell) {
        return ZoneVisit.of(device, "sh-001", zone, enteredAt, enteredAt + dwell, 4);
    }

    private static PosTransaction receipt(String txId, long at, PosItem... items) {
        return new PosTransaction(txId, "sh-001", null, 50.0, List.of(items), at);
    }

    @Test
    void aDisplayThatDrawsAndDoesNotSellAndAnAisleThatSellsUnseenAreFlagged() throws Exception {
        List<MerchandisingSignal> signals = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            signals.addAll(MerchandisingSignal.attention(stay("d" + i, DISPLAY, TEN_O_CLOCK + i * MINUTE, 3 * MINUTE)));
        }
        // A walk through the display is no attention; the same device twice counts once.
        signals.addAll(MerchandisingSignal.attention(stay("d9", DISPLAY, TEN_O_CLOCK, 10_000)));
        signals.addAll(MerchandisingSignal.attention(stay("d0", DISPLAY, TEN_O_CLOCK + 20 * MINUTE, 2 * MINUTE)));
        signals.addAll(MerchandisingSignal.sales(receipt("t-1", TEN_O_CLOCK + 30 * MINUTE,
                new PosItem("sku-1", AISLE, 2), new PosItem("sku-2", AISLE, 1), new PosItem("sku-3", null, 1))));
        signals.addAll(MerchandisingSignal.sales(receipt("t-2", TEN_O_CLOCK + 40 * MINUTE, new PosItem("sku-1", AISLE, 1))));

        Map<String, MetricPoint> byZone;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MerchandisingAggregator(Duration.ofHours(1), Duration.ofMinutes(3), 5, 0.1)),
                MerchandisingSignal::zoneKey,
                Types.STRING)) {
            h.open();
            for (MerchandisingSignal signal : signals) {
                h.processElement(signal, signal.ts());
            }
            h.processWatermark(Long.MAX_VALUE);
            byZone = h.extractOutputValues().stream().collect(Collectors.toMap(p -> p.tags().get("zone"), p -> p));
        }
        assertThat(byZone.get(DISPLAY).fields())
                .containsEntry("dwellers", 6L)
                .containsEntry("receipts", 0L)
                .containsEntry("conversion", 0.0)
                .containsEntry("attention_without_sales", 1L)
                .containsEntry("sales_without_attention", 0L);
        assertThat(byZone.get(AISLE).fields())
                .containsEntry("dwellers", 0L)
                .containsEntry("receipts", 2L)
                .containsEntry("units_sold", 4L)
                .containsEntry("attention_without_sales", 0L)
                .containsEntry("sales_without_attention", 1L)
                .doesNotContainKey("conversion");
        assertThat(byZone).hasSize(2);
    }
}
