package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.journeys.O2oConversion;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class O2oMetricsAggregatorsTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DELAY = Duration.ofMinutes(33);

    private static O2oConversion onlineToStore(String store, String channel, long exitedAt, long lead, Double amount) {
        return new O2oConversion("online_to_store:" + store + exitedAt, JourneyMatch.ONLINE_TO_STORE, "c-1", store,
                channel, "view", "sku-1", exitedAt - 20 * MINUTE - lead, 1, "v", exitedAt - 20 * MINUTE, exitedAt,
                20 * MINUTE, amount == null ? null : "t", amount == null ? null : exitedAt - MINUTE, amount,
                amount == null ? 0 : 1, lead, amount == null ? null : 19 * MINUTE, null, exitedAt + 30 * MINUTE);
    }

    private static O2oConversion storeToOnline(String store, String channel, long onlineAt) {
        return new O2oConversion("store_to_online:" + onlineAt, JourneyMatch.STORE_TO_ONLINE, "c-2", store, channel,
                "order", "sku-2", onlineAt, 1, "v2", onlineAt - HOUR.toMillis(), onlineAt - 40 * MINUTE, 20 * MINUTE,
                null, null, null, 0, null, null, 40 * MINUTE, onlineAt);
    }

    @Test
    void conversionsArePerStoreChannelAndHourOfTheVisitsExitWithRevenueAndMeanLead() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new O2oConversionAggregator(HOUR, DELAY)),
                O2oConversionAggregator::keyOf,
                Types.STRING)) {
            h.open();
            List<O2oConversion> input = List.of(
                    onlineToStore("sh-001", "wechat", TEN_O_CLOCK + 10 * MINUTE, 30 * MINUTE, 100.0),
                    onlineToStore("sh-001", "wechat", TEN_O_CLOCK + 50 * MINUTE, 90 * MINUTE, null),
                    onlineToStore("sh-001", "app", TEN_O_CLOCK + 20 * MINUTE, 60 * MINUTE, 25.25),
                    onlineToStore("sh-001", "wechat", TEN_O_CLOCK + 70 * MINUTE, 10 * MINUTE, null),
                    storeToOnline("sh-001", "wechat", TEN_O_CLOCK + 5 * MINUTE));
            for (O2oConversion c : input) {
                h.processElement(c, c.decidedAt());
            }
            h.processWatermark(TEN_O_CLOCK + HOUR.toMillis() + DELAY.toMillis() - 2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(TEN_O_CLOCK + HOUR.toMillis() + DELAY.toMillis());

            List<MetricPoint> points = h.extractOutputValues();
            assertThat(points).allSatisfy(p -> assertThat(p.measurement()).isEqualTo(O2oConversionAggregator.MEASUREMENT));
            MetricPoint wechat = points.stream().filter(p -> p.tags().get("channel").equals("wechat")).findFirst().orElseThrow();
            assertThat(wechat.timestampMillis()).isEqualTo(TEN_O_CLOCK);
            assertThat(wechat.tags()).containsEntry("store", "sh-001");
            assertThat(wechat.fields())
                    .containsEntry("online_to_store", 2L)
                    .containsEntry("purchases", 1L)
                    .containsEntry("revenue", 100.0)
                    .containsEntry("store_to_online", 1L)
                    .containsEntry("mean_lead_s", 3600.0);
            assertThat(points).filteredOn(p -> p.tags().get("channel").equals("app")).singleElement()
                    .satisfies(p -> assertThat(p.fields()).containsEntry("revenue", 25.25));
        }
    }

    @Test
    void aConversionDecidedAfterItsHourWasWrittenCountsInTheHourItWasDecidedWhateverTheWatermark() throws Exception {
        for (long watermarkAhead : new long[] {0, 20 * MINUTE}) {
            try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new O2oConversionAggregator(HOUR, DELAY)),
                    O2oConversionAggregator::keyOf,
                    Types.STRING)) {
                h.open();
                O2oConversion early = storeToOnline("sh-003", "app", TEN_O_CLOCK + 10 * MINUTE);
                h.processElement(early, early.decidedAt());
                long decidedAt = TEN_O_CLOCK + HOUR.toMillis() + DELAY.toMillis() + 5 * MINUTE;
                h.processWatermark(decidedAt - 1 - watermarkAhead);
                O2oConversion learntLate = new O2oConversion("store_to_online:late", JourneyMatch.STORE_TO_ONLINE, "c-3",
                        "sh-003", "app", "view", "sku-3", TEN_O_CLOCK + 32 * MINUTE, 1, null, null, null, null, "t-9",
                        TEN_O_CLOCK + 20 * MINUTE, 10.0, 1, null, null, 12 * MINUTE, decidedAt);
                h.processElement(learntLate, decidedAt);
                h.processWatermark(Long.MAX_VALUE);
                assertThat(h.extractOutputValues()).extracting(MetricPoint::timestampMillis, p -> p.fields().get("store_to_online"))
                        .as("watermark %d ahead", watermarkAhead)
                        .containsExactly(tuple(TEN_O_CLOCK, 1L), tuple(TEN_O_CLOCK + HOUR.toMillis(), 1L));
            }
        }
    }

    @Test
    void storeCustomersCountDistinctVisitorsKnownAndReturningAndTheConversionRate() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreCustomersAggregator(HOUR, Duration.ofMinutes(3))),
                StoreCustomerEvent::storeId,
                Types.STRING)) {
            h.open();
            long at = TEN_O_CLOCK + 30 * MINUTE;
            StoreVisitEvent known = StoreVisitEvent.of("visit", "d1", null, "sh-001", at, at - 20 * MINUTE, at)
                    .withCustomer("c-1");
            StoreVisitEvent stranger = StoreVisitEvent.of("visit", "d2", null, "sh-001", at, at - 20 * MINUTE, at);
            List<StoreCustomerEvent> input = List.of(
                    StoreCustomerEvent.visit(known, true),
                    StoreCustomerEvent.visit(known, true),
                    StoreCustomerEvent.visit(stranger, false),
                    StoreCustomerEvent.transaction(new PosTransaction(
                            "t-1", "sh-001", "m-1", 80.0, List.of(new PosItem("sku-1", null, 1)), at)),
                    StoreCustomerEvent.transaction(new PosTransaction(
                            "t-2", "sh-001", null, 20.5, List.of(new PosItem("sku-2", null, 1)), at)),
                    StoreCustomerEvent.transaction(new PosTransaction(
                            "t-3", "sh-001", null, 1.0, List.of(new PosItem("sku-2", null, 1)), at)));
            for (StoreCustomerEvent e : input) {
                h.processElement(e, e.ts());
            }
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).singleElement().satisfies(p -> {
                assertThat(p.measurement()).isEqualTo(StoreCustomersAggregator.MEASUREMENT);
                assertThat(p.fields())
                        .containsEntry("visitors", 2L)
                        .containsEntry("known_visitors", 1L)
                        .containsEntry("returning_visitors", 1L)
                        .containsEntry("new_visitors", 1L)
                        .containsEntry("transactions", 3L)
                        .containsEntry("member_transactions", 1L)
                        .containsEntry("revenue", 101.5)
                        .containsEntry("known_share", 0.5);
                assertThat((Double) p.fields().get("conversion_rate")).isCloseTo(1.5, within(1e-9));
            });
        }
    }
}
