package io.o2o.analytics.offers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FirstOfferDecisionOnlyTest {
    private static final long NOON = Instant.parse("2026-03-07T04:00:00Z").toEpochMilli();

    private static OfferDecision decision(String customer, long decidedAt, boolean live) {
        return new OfferDecision("welcome-1", OfferDecision.SENT, null, "welcome", 1, customer, "sh-001", null,
                "enter", "sh-001:enter:d-1:" + NOON, NOON, decidedAt, List.of("member:m-1"), "{}",
                decidedAt + Duration.ofDays(7).toMillis(), null, null, live);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, OfferDecision, OfferDecision> harness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FirstOfferDecisionOnly(Duration.ofDays(1))),
                FirstOfferDecisionOnly::keyOf, Types.STRING);
        harness.open();
        return harness;
    }

    @Test
    void aDecisionInEventTimeWaitsForTheWatermarkAndTheEarliestStands() throws Exception {
        try (var harness = harness()) {
            harness.processElement(decision("c-b", NOON + 5_000, false), NOON + 5_000);
            harness.processElement(decision("c-a", NOON, false), NOON);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(new Watermark(NOON + 5_000));
            assertThat(harness.extractOutputValues()).extracting(OfferDecision::customerId).containsExactly("c-a");
        }
    }

    /** Waiting for the watermark here would undo what deciding it live gained; a later repeat is dropped. */
    @Test
    void aLiveDecisionIsLetThroughAsItArrivesAndItsRepeatsAreDropped() throws Exception {
        try (var harness = harness()) {
            harness.processElement(decision("c-a", NOON, true), NOON);
            assertThat(harness.extractOutputValues()).extracting(OfferDecision::live).containsExactly(true);

            harness.processElement(decision("c-b", NOON + 60_000, false), NOON + 60_000);
            harness.processWatermark(new Watermark(NOON + Duration.ofHours(2).toMillis()));
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }
}
