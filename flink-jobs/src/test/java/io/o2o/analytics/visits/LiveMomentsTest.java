package io.o2o.analytics.visits;

import static io.o2o.analytics.visits.TestStore.stayInside;
import static io.o2o.analytics.visits.TestStore.walkPast;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.testing.Harnesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.junit.jupiter.api.Test;

class LiveMomentsTest {
    private static final String DEVICE = "device-a";

    private static KeyedOneInputStreamOperatorTestHarness<String, LbsPing, StoreVisitEvent> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LiveMoments(TestStore.catalog(), VisitRules.defaults())),
                LbsPing::deviceId, Types.STRING);
        harness.open();
        return harness;
    }

    /** What the final path decides from the same pings, the watermark a minute and a half behind. */
    private static List<StoreVisitEvent> finalDecisions(List<LbsPing> pings) throws Exception {
        try (var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new VisitDetector(TestStore.catalog(), VisitRules.defaults(), Duration.ofDays(90))),
                LbsPing::deviceId, VisitDetector::deviceOf, Types.STRING)) {
            harness.open();
            long newest = Long.MIN_VALUE;
            for (LbsPing p : pings) {
                harness.processElement1(p, p.ts());
                newest = Math.max(newest, p.ts());
                Harnesses.watermark(harness, newest - Duration.ofSeconds(90).toMillis());
            }
            Harnesses.watermark(harness, Long.MAX_VALUE);
            return harness.extractOutputValues();
        }
    }

    @Test
    void anEntryIsOutWhenThePingThatConfirmsItArrivesWithNoWatermarkAtAll() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9));
        try (var harness = harness()) {
            for (LbsPing p : pings) {
                harness.processElement(p, p.ts());
                if (!harness.extractOutputValues().isEmpty()) {
                    StoreVisitEvent enter = harness.extractOutputValues().get(0);
                    assertThat(enter.type()).isEqualTo(StoreVisitEvent.ENTER);
                    assertThat(enter.decidedAt()).isEqualTo(p.ts());
                    return;
                }
            }
        }
        throw new AssertionError("no live entry");
    }

    @Test
    void aPassByIsOutWhenTheFixBeyondTheNearBufferArrives() throws Exception {
        List<LbsPing> pings = walkPast(DEVICE, Duration.ZERO);
        try (var harness = harness()) {
            for (LbsPing p : pings) {
                harness.processElement(p, p.ts());
                if (!harness.extractOutputValues().isEmpty()) {
                    assertThat(harness.extractOutputValues()).singleElement().satisfies(passBy -> {
                        assertThat(passBy.type()).isEqualTo(StoreVisitEvent.PASS_BY);
                        assertThat(passBy.decidedAt()).isEqualTo(p.ts());
                    });
                    assertThat(harness.numKeyedStateEntries()).as("state of a device near no store").isZero();
                    return;
                }
            }
        }
        throw new AssertionError("no live pass-by");
    }

    /** In order, the live moments are the final decisions (without the customer, attributed downstream). */
    @Test
    void pingsInOrderMakeTheFinalPathsDecisions() throws Exception {
        List<LbsPing> pings = new ArrayList<>(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9)));
        pings.addAll(stayInside(DEVICE, Duration.ofMinutes(40), Duration.ofMinutes(2)));
        pings.addAll(walkPast(DEVICE, Duration.ofMinutes(80)));
        pings.addAll(stayInside("device-b", Duration.ofMinutes(5), Duration.ofMinutes(20)));
        // A phone that falls silent near the store, and one that stays inside and falls silent.
        pings.addAll(walkPast("device-c", Duration.ZERO).subList(0, 6));
        pings.addAll(stayInside("device-d", Duration.ZERO, Duration.ofMinutes(6)).subList(0, 12));
        pings.sort(Comparator.comparingLong(LbsPing::ts));

        List<StoreVisitEvent> live;
        try (var harness = harness()) {
            for (LbsPing p : pings) {
                harness.processElement(p, p.ts());
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            live = harness.extractOutputValues();
            assertThat(harness.numKeyedStateEntries()).as("state left behind").isZero();
        }
        List<StoreVisitEvent> expected = finalDecisions(pings);
        assertThat(live).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(live).extracting(StoreVisitEvent::type).contains(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT,
                StoreVisitEvent.VISIT, StoreVisitEvent.PASS_BY);
    }

    /** The live path never goes back: a ping behind its device's newest is the final path's to order in. */
    @Test
    void aPingBehindItsDevicesNewestIsLeftToTheFinalPath() throws Exception {
        List<LbsPing> pings = new ArrayList<>(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9)));
        // The fifth and sixth pings are the first two inside: the sixth arriving first confirms nothing alone.
        Collections.swap(pings, 4, 5);
        LiveMoments live = new LiveMoments(TestStore.catalog(), VisitRules.defaults());
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(live), LbsPing::deviceId, Types.STRING)) {
            harness.open();
            for (LbsPing p : pings) {
                harness.processElement(p, p.ts());
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<StoreVisitEvent> moments = harness.extractOutputValues();
            assertThat(moments).extracting(StoreVisitEvent::type)
                    .containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
            // The entry is confirmed by the next two pings inside, one ping later than the final path confirms it.
            List<StoreVisitEvent> expected = finalDecisions(pings);
            assertThat(moments.get(0).eventTime()).isGreaterThan(expected.get(0).eventTime());
            assertThat(live.getRuntimeContext().getAccumulator(LiveMoments.OUT_OF_ORDER_ACCUMULATOR).getLocalValue())
                    .isEqualTo(1L);
        }
    }

    /** A phone silent inside the store: its visit ends when event time passes the exit timeout, not at its next ping. */
    @Test
    void aSilentPhonesVisitEndsWhenTheWatermarkPassesItsDeadline() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9)).subList(0, 20);
        long lastInside = pings.get(pings.size() - 1).ts();
        try (var harness = harness()) {
            for (LbsPing p : pings) {
                harness.processElement(p, p.ts());
            }
            long deadline = lastInside + VisitRules.defaults().exitTimeout().toMillis();
            harness.processWatermark(new Watermark(deadline - 1));
            assertThat(harness.extractOutputValues()).extracting(StoreVisitEvent::type)
                    .containsExactly(StoreVisitEvent.ENTER);
            harness.processWatermark(new Watermark(deadline));
            assertThat(harness.extractOutputValues()).extracting(StoreVisitEvent::type)
                    .containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void openSessionsSurviveASnapshotAndRestore() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9));
        int half = pings.size() / 2;
        OperatorSubtaskState snapshot;
        List<StoreVisitEvent> before;
        try (var harness = harness()) {
            for (LbsPing p : pings.subList(0, half)) {
                harness.processElement(p, p.ts());
            }
            before = new ArrayList<>(harness.extractOutputValues());
            snapshot = harness.snapshot(1, 1);
        }
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LiveMoments(TestStore.catalog(), VisitRules.defaults())),
                LbsPing::deviceId, Types.STRING)) {
            harness.initializeState(snapshot);
            harness.open();
            for (LbsPing p : pings.subList(half, pings.size())) {
                harness.processElement(p, p.ts());
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<StoreVisitEvent> all = new ArrayList<>(before);
            all.addAll(harness.extractOutputValues());
            assertThat(all).extracting(StoreVisitEvent::type)
                    .containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
        }
    }
}
