package io.o2o.analytics.visits;

import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static io.o2o.analytics.visits.TestStore.PING_EVERY;
import static io.o2o.analytics.visits.TestStore.STORE_ID;
import static io.o2o.analytics.visits.TestStore.at;
import static io.o2o.analytics.visits.TestStore.ping;
import static io.o2o.analytics.visits.TestStore.stayInside;
import static io.o2o.analytics.visits.TestStore.walkPast;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.testing.EarlierStateLayouts;
import io.o2o.analytics.testing.Harnesses;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class VisitDetectorTest {
    private static final String DEVICE = "device-a";
    private static final Duration ONE_MINUTE = Duration.ofMinutes(1);

    private static KeyedTwoInputStreamOperatorTestHarness<String, LbsPing, CustomerAssignment, StoreVisitEvent>
            harness() throws Exception {
        return harness(null);
    }

    /** @param backend the state backend, or null for the harness's heap backend */
    private static KeyedTwoInputStreamOperatorTestHarness<String, LbsPing, CustomerAssignment, StoreVisitEvent>
            harness(StateBackend backend) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new VisitDetector(TestStore.catalog(), VisitRules.defaults(), Duration.ofDays(90))),
                LbsPing::deviceId,
                VisitDetector::deviceOf,
                Types.STRING);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        harness.open();
        return harness;
    }


    private static List<StoreVisitEvent> run(List<LbsPing> arrivals) throws Exception {
        try (var harness = harness()) {
            feed(harness, arrivals);
            Harnesses.watermark(harness, Long.MAX_VALUE);
            assertThat(harness.numKeyedStateEntries()).as("state left behind").isZero();
            return harness.extractOutputValues();
        }
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, LbsPing, CustomerAssignment, StoreVisitEvent> harness,
            List<LbsPing> pings) throws Exception {
        long maxSeen = Long.MIN_VALUE;
        for (LbsPing p : pings) {
            harness.processElement1(p, p.ts());
            maxSeen = Math.max(maxSeen, p.ts());
            Harnesses.watermark(harness, maxSeen - Duration.ofSeconds(90).toMillis());
        }
    }

    private static List<String> types(List<StoreVisitEvent> events) {
        return events.stream().map(StoreVisitEvent::type).toList();
    }

    /** Known when confirmed: what acts on an entry (attribution, offers) must not depend on how the watermark moved. */
    @Test
    void anEntryCarriesTheTimeOfThePingThatConfirmedIt() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9));
        StoreVisitEvent enter = run(pings).stream().filter(e -> e.type().equals(StoreVisitEvent.ENTER)).findFirst().orElseThrow();
        assertThat(enter.decidedAt()).isNotNull().isGreaterThan(enter.eventTime());
        assertThat(pings).extracting(LbsPing::ts).contains(enter.decidedAt());
        // Two confirmations: the first ping inside and the next one.
        assertThat(pings).extracting(LbsPing::ts).filteredOn(ts -> ts > enter.eventTime() && ts < enter.decidedAt()).isEmpty();
    }

    @Test
    void aStayLongerThanTheMinimumDwellIsOneVisitWithItsDwell() throws Exception {
        List<StoreVisitEvent> events = run(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(12)));

        assertThat(types(events)).containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
        StoreVisitEvent visit = events.get(2);
        assertThat(visit.storeId()).isEqualTo(STORE_ID);
        assertThat(visit.deviceId()).isEqualTo(DEVICE);
        assertThat(visit.userId()).isEqualTo("u-1");
        assertThat(Duration.ofMillis(visit.dwellMillis()))
                .isBetween(Duration.ofMinutes(12), Duration.ofMinutes(12).plus(PING_EVERY.multipliedBy(2)));
        assertThat(visit.enteredAt()).isEqualTo(events.get(0).eventTime());
        assertThat(visit.exitedAt()).isEqualTo(events.get(1).eventTime());
    }

    @Test
    void aWalkThroughShorterThanTheMinimumDwellIsAPassByNotAVisit() throws Exception {
        List<StoreVisitEvent> events = run(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(2)));

        assertThat(types(events)).containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.PASS_BY);
    }

    @Test
    void walkingPastWithinTheNearBufferIsAPassBy() throws Exception {
        List<LbsPing> pings = walkPast(DEVICE, Duration.ZERO);
        List<StoreVisitEvent> events = run(pings);

        assertThat(types(events)).containsExactly(StoreVisitEvent.PASS_BY);
        assertThat(events.get(0).eventTime()).isLessThan(pings.get(pings.size() - 1).ts());
    }

    /**
     * The footprint's corner is at (30, 30) and the near-buffer 40 m: walking east at y = 45, the device is near up to
     * x = 60 (34 m from the corner), and beyond the buffer by more than its 8 m accuracy from x = 90 on (62 m). It has
     * passed by then, not three minutes later.
     */
    @Test
    void aPassByIsDecidedAtTheFirstFixBeyondTheNearBuffer() throws Exception {
        List<LbsPing> pings = walkPast(DEVICE, Duration.ZERO);
        long lastNear = pings.stream().filter(p -> p.lon() <= ping(DEVICE, 60, 45, 0).lon()).mapToLong(LbsPing::ts)
                .max().orElseThrow();
        long firstBeyond = pings.stream().filter(p -> p.lon() >= ping(DEVICE, 90, 45, 0).lon())
                .mapToLong(LbsPing::ts).min().orElseThrow();

        StoreVisitEvent passBy = run(pings).get(0);

        assertThat(passBy.type()).isEqualTo(StoreVisitEvent.PASS_BY);
        assertThat(passBy.eventTime()).isEqualTo(lastNear);
        assertThat(passBy.decidedAt()).isEqualTo(firstBeyond);
    }

    /** A fix beyond the buffer but no more accurate than its distance past it proves nothing: the timeout decides. */
    @Test
    void aFixBeyondTheBufferByLessThanItsErrorEndsNothing() throws Exception {
        List<LbsPing> pings = new ArrayList<>();
        pings.add(ping(DEVICE, 0, 45, at(Duration.ZERO)));
        // 60 m north of the wall is 20 m beyond the buffer, with an error of 30 m.
        pings.add(ping(DEVICE, 0, 90, 30, at(PING_EVERY)));
        pings.add(ping(DEVICE, 0, 45, at(PING_EVERY.multipliedBy(2))));
        pings.add(ping(DEVICE, 0, 1000, at(Duration.ofMinutes(20))));

        List<StoreVisitEvent> events = run(pings);

        assertThat(events).singleElement().satisfies(passBy -> {
            assertThat(passBy.type()).isEqualTo(StoreVisitEvent.PASS_BY);
            assertThat(passBy.eventTime()).isEqualTo(at(PING_EVERY.multipliedBy(2)));
            // Decided by the timeout: the next fix came 18 minutes later.
            assertThat(passBy.decidedAt()).isNull();
        });
    }

    /** A phone that falls silent near the store has no fix beyond it: its pass-by waits for the exit timeout. */
    @Test
    void aPhoneSilentNearTheStoreIsAPassByAfterTheExitTimeout() throws Exception {
        List<LbsPing> pings = List.of(ping(DEVICE, -60, 45, at(Duration.ZERO)), ping(DEVICE, -45, 45, at(PING_EVERY)));

        List<StoreVisitEvent> events = run(pings);

        assertThat(events).singleElement().satisfies(passBy -> {
            assertThat(passBy.type()).isEqualTo(StoreVisitEvent.PASS_BY);
            assertThat(passBy.eventTime()).isEqualTo(at(PING_EVERY));
            assertThat(passBy.decidedAt()).isNull();
        });
    }

    @Test
    void jitterAcrossTheWallDoesNotFlapBetweenEntryAndExit() throws Exception {
        List<LbsPing> pings = new ArrayList<>();
        pings.add(ping(DEVICE, 0, 0, at(Duration.ZERO)));
        pings.add(ping(DEVICE, 0, 5, at(PING_EVERY)));
        // Standing at the east wall for 20 minutes: pings alternate 3 m inside and 10 m outside it.
        Duration t = PING_EVERY.multipliedBy(2);
        for (int i = 0; i < 40; i++, t = t.plus(PING_EVERY)) {
            pings.add(ping(DEVICE, i % 2 == 0 ? 27 : 40, 0, at(t)));
        }
        pings.add(ping(DEVICE, 300, 0, at(t.plus(ONE_MINUTE))));

        List<StoreVisitEvent> events = run(pings);

        assertThat(types(events)).containsExactly(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
    }

    @Test
    void inaccuratePingsNeverOpenAnEntry() throws Exception {
        List<LbsPing> pings = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pings.add(ping(DEVICE, 0, 0, 800, at(PING_EVERY.multipliedBy(i))));
        }
        assertThat(run(pings)).isEmpty();
    }

    @Test
    void theOutcomeDoesNotDependOnArrivalOrderWithinTheWatermarkBound() throws Exception {
        List<LbsPing> inOrder = new ArrayList<>(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(9)));
        inOrder.addAll(stayInside(DEVICE, Duration.ofMinutes(40), Duration.ofMinutes(3)));
        List<StoreVisitEvent> expected = run(inOrder);

        List<LbsPing> shuffled = new ArrayList<>(inOrder);
        // Swap neighbours 30 s apart: out of order, but within the 90 s bound the test feeds. Disjoint pairs only:
        // swaps that overlap carry a ping further back, until it is late and refused (its decisions then differ).
        Random random = new Random(7);
        for (int i = 1; i < shuffled.size(); i += 2) {
            if (random.nextBoolean()) {
                Collections.swap(shuffled, i - 1, i);
            }
        }
        assertThat(shuffled).isNotEqualTo(inOrder);
        assertThat(run(shuffled)).isEqualTo(expected);
        assertThat(types(expected)).containsExactly(
                StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT,
                StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.PASS_BY);
    }

    /**
     * A watermark that jumps over many pings fires all their timers in one advance: the first handles every ping
     * up to the watermark, the others return at once. On RocksDB, whose copies of the state the shortcut saves.
     */
    @Test
    void aWatermarkJumpingOverManyPingsDecidesAsOneWatermarkPerPing() throws Exception {
        List<LbsPing> pings = new ArrayList<>(stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(12)));
        pings.addAll(stayInside("device-b", Duration.ofMinutes(4), Duration.ofMinutes(2)));
        pings.sort(Comparator.comparingLong(LbsPing::ts));
        List<StoreVisitEvent> pingByPing = run(pings);

        try (var harness = harness(new EmbeddedRocksDBStateBackend())) {
            for (LbsPing p : pings) {
                harness.processElement1(p, p.ts());
            }
            Harnesses.watermark(harness, at(Duration.ofMinutes(8)));
            Harnesses.watermark(harness, Long.MAX_VALUE);

            // (The harness counts state entries of the heap backend only; run() checks that none are left.)
            assertThat(harness.extractOutputValues()).containsExactlyInAnyOrderElementsOf(pingByPing);
        }
        assertThat(types(pingByPing)).contains(StoreVisitEvent.VISIT, StoreVisitEvent.PASS_BY);
    }

    @Test
    void aPingBehindTheWatermarkGoesToTheLateSideOutput() throws Exception {
        try (var harness = harness()) {
            harness.processElement1(ping(DEVICE, 0, 0, at(Duration.ofMinutes(10))), at(Duration.ofMinutes(10)));
            Harnesses.watermark(harness, at(Duration.ofMinutes(10)));
            LbsPing late = ping(DEVICE, 0, 0, at(Duration.ofMinutes(5)));
            harness.processElement1(late, late.ts());

            List<DeadLetter> lateOnes = new ArrayList<>();
            harness.getSideOutput(VisitDetector.REJECTED_PINGS).forEach(r -> lateOnes.add(r.getValue()));
            assertThat(lateOnes).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("late_event");
                assertThat(d.excerpt()).contains(DEVICE);
            });
        }
    }

    @Test
    void anOpenVisitSurvivesASnapshotAndRestore() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(15));
        int half = pings.size() / 2;
        OperatorSubtaskState snapshot;
        List<StoreVisitEvent> beforeRestore;
        try (var harness = harness()) {
            feed(harness, pings.subList(0, half));
            beforeRestore = harness.extractOutputValues();
            snapshot = harness.snapshot(1L, 1L);
        }
        assertThat(types(beforeRestore)).containsExactly(StoreVisitEvent.ENTER);

        try (var restored = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new VisitDetector(TestStore.catalog(), VisitRules.defaults(), Duration.ofDays(90))),
                LbsPing::deviceId,
                VisitDetector::deviceOf,
                Types.STRING)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, pings.subList(half, pings.size()));
            Harnesses.watermark(restored, Long.MAX_VALUE);
            assertThat(types(restored.extractOutputValues()))
                    .containsExactly(StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aFixDeliveredTwiceCountsOnceTowardsAnEntry() throws Exception {
        LbsPing inside = ping(DEVICE, 0, 0, at(Duration.ZERO));
        LbsPing resent = new LbsPing(inside.deviceId(), inside.userId(), inside.lat(), inside.lon(),
                inside.accuracyM(), inside.ts(), inside.source(), inside.receivedAt() + 20_000);
        List<LbsPing> pings = List.of(
                ping(DEVICE, -100, 0, at(Duration.ofMinutes(-1))), inside, resent,
                ping(DEVICE, 200, 0, at(Duration.ofMinutes(1))));
        assertThat(types(run(pings))).containsExactly(StoreVisitEvent.PASS_BY);
    }

    private static CustomerAssignment customer(String customerId, Duration at) {
        return new CustomerAssignment("device:" + DEVICE, customerId, null, at(at));
    }

    private static List<StoreVisitEvent> runWithLink(List<LbsPing> pings, CustomerAssignment link) throws Exception {
        try (var harness = harness()) {
            harness.processElement2(link, link.ts());
            feed(harness, pings);
            Harnesses.watermark(harness, Long.MAX_VALUE);
            return harness.extractOutputValues();
        }
    }

    @Test
    void aLinkDuringAVisitReattributesItAndLaterDecisionsCarryTheCustomer() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(12));
        List<StoreVisitEvent> events = runWithLink(pings, customer("c-1", Duration.ofMinutes(6)));

        assertThat(types(events)).containsExactly(
                StoreVisitEvent.ENTER, StoreVisitEvent.REATTRIBUTED, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
        assertThat(events).extracting(StoreVisitEvent::customerId).containsExactly(null, "c-1", "c-1", "c-1");
        assertThat(events.get(1).enteredAt()).isEqualTo(events.get(0).eventTime());
        assertThat(events.get(1).eventTime()).isEqualTo(at(Duration.ofMinutes(6)));
    }

    @Test
    void aLinkBeforeTheVisitMakesEveryDecisionTheCustomersAndOneAfterItChangesNone() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ofMinutes(10), Duration.ofMinutes(8));
        assertThat(runWithLink(pings, customer("c-1", Duration.ZERO)))
                .extracting(StoreVisitEvent::type, StoreVisitEvent::customerId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.ENTER, "c-1"),
                        org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.EXIT, "c-1"),
                        org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.VISIT, "c-1"));
        assertThat(runWithLink(pings, customer("c-1", Duration.ofHours(2))))
                .extracting(StoreVisitEvent::customerId)
                .containsOnlyNulls();
    }

    @Test
    void theCustomerOfADecisionDoesNotDependOnWhetherTheLinkArrivedFirst() throws Exception {
        List<LbsPing> pings = stayInside(DEVICE, Duration.ZERO, Duration.ofMinutes(12));
        CustomerAssignment link = customer("c-1", Duration.ofMinutes(6));
        List<StoreVisitEvent> linkFirst = runWithLink(pings, link);
        try (var harness = harness()) {
            feed(harness, pings.subList(0, 20));
            harness.processElement2(link, link.ts());
            feed(harness, pings.subList(20, pings.size()));
            Harnesses.watermark(harness, Long.MAX_VALUE);
            assertThat(harness.extractOutputValues()).isEqualTo(linkFirst);
        }
    }

    // ---- the device's customer expires in event time

    private static final Duration TTL = Duration.ofDays(90);
    private static final long TEN_YEARS = Duration.ofDays(3653).toMillis();

    /** A ping far from every store: the device is active, and no session opens. */
    private static LbsPing away(long at) {
        return ping(DEVICE, 5_000, 0, at);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, LbsPing, CustomerAssignment, StoreVisitEvent>
            restoredFrom(OperatorSubtaskState snapshot) throws Exception {
        var restored = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new VisitDetector(TestStore.catalog(), VisitRules.defaults(), TTL)),
                LbsPing::deviceId,
                VisitDetector::deviceOf,
                Types.STRING);
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    @Test
    void theCustomerIsKeptUntilTheDeviceWasIdleForTheTtlInEventTime() throws Exception {
        long linked = at(Duration.ZERO);
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), linked);
            Harnesses.watermark(harness, linked + TTL.toMillis() - 1);
            assertThat(harness.numKeyedStateEntries()).as("the customer and its expiry (one value), a millisecond before").isEqualTo(1);
            Harnesses.watermark(harness, linked + TTL.toMillis());
            assertThat(harness.numKeyedStateEntries()).as("idle for the TTL").isZero();
        }
    }

    @Test
    void yearsOfWallClockExpireNothing() throws Exception {
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), at(Duration.ZERO));
            Harnesses.watermark(harness, at(Duration.ofMinutes(30)));
            harness.setProcessingTime(TEN_YEARS);
            harness.setStateTtlProcessingTime(TEN_YEARS);
            feed(harness, stayInside(DEVICE, Duration.ofHours(1), Duration.ofMinutes(8)));
            Harnesses.watermark(harness, Long.MAX_VALUE);
            assertThat(harness.extractOutputValues()).extracting(StoreVisitEvent::customerId).hasSize(3).containsOnly("c-1");
        }
    }

    @Test
    void aPingKeepsTheCustomerForAnotherTtlWithOneExpiryTimer() throws Exception {
        long linked = at(Duration.ZERO);
        long pinged = linked + TTL.toMillis() / 2;
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), linked);
            for (long t = pinged - 10 * PING_EVERY.toMillis(); t <= pinged; t += PING_EVERY.toMillis()) {
                harness.processElement1(away(t), t);
            }
            Harnesses.watermark(harness, pinged);
            assertThat(harness.numEventTimeTimers()).as("one expiry timer, not one per ping").isEqualTo(1);
            Harnesses.watermark(harness, linked + TTL.toMillis());
            assertThat(harness.numKeyedStateEntries()).as("active half-way").isEqualTo(1);
            Harnesses.watermark(harness, pinged + TTL.toMillis() - 1);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
            Harnesses.watermark(harness, pinged + TTL.toMillis());
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aVisitAfterTheTtlCarriesNoCustomerWhetherOrNotTheWatermarkWentPastTheExpiryFirst() throws Exception {
        long linked = at(Duration.ZERO);
        Duration late = TTL;
        Duration inTime = TTL.minus(PING_EVERY);
        for (boolean watermarkFirst : new boolean[] {false, true}) {
            for (Duration start : List.of(inTime, late)) {
                try (var harness = harness()) {
                    harness.processElement2(customer("c-1", Duration.ZERO), linked);
                    List<LbsPing> pings = stayInside(DEVICE, start, Duration.ofMinutes(8));
                    if (watermarkFirst) {
                        Harnesses.watermark(harness, at(start) - 1);
                        feed(harness, pings);
                    } else {
                        // No watermark until the end: each ping finds the customer expired or not on its own.
                        for (LbsPing ping : pings) {
                            harness.processElement1(ping, ping.ts());
                        }
                    }
                    // The end of input: everything left is decided at once.
                    Harnesses.watermark(harness, Long.MAX_VALUE);
                    List<StoreVisitEvent> decisions = harness.extractOutputValues();
                    assertThat(types(decisions)).containsExactly(
                            StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.VISIT);
                    if (start == late) {
                        assertThat(decisions).as("idle for the TTL before the visit").extracting(StoreVisitEvent::customerId)
                                .containsOnlyNulls();
                    } else {
                        assertThat(decisions).extracting(StoreVisitEvent::customerId).containsOnly("c-1");
                    }
                }
            }
        }
    }

    @Test
    void aVisitThatEndedBeforeTheExpiryKeepsItsCustomerWhenTheNextPingComesAfterIt() throws Exception {
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), at(Duration.ZERO));
            List<LbsPing> pings = new ArrayList<>(stayInside(DEVICE, Duration.ofMinutes(1), Duration.ofMinutes(8)));
            pings.addAll(stayInside(DEVICE, TTL.plusHours(1), Duration.ofMinutes(8)));
            for (LbsPing ping : pings) {
                harness.processElement1(ping, ping.ts());
            }
            // A replay's end: every decision is taken in this one watermark advance.
            Harnesses.watermark(harness, Long.MAX_VALUE);
            assertThat(harness.extractOutputValues()).extracting(StoreVisitEvent::type, StoreVisitEvent::customerId)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.ENTER, "c-1"),
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.EXIT, "c-1"),
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.VISIT, "c-1"),
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.ENTER, null),
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.EXIT, null),
                            org.assertj.core.groups.Tuple.tuple(StoreVisitEvent.VISIT, null));
        }
    }

    @Test
    void theEndOfABoundedInputExpiresNothing() throws Exception {
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), at(Duration.ZERO));
            Harnesses.watermark(harness, Long.MAX_VALUE);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void aRestoredDetectorKeepsThePendingExpiry() throws Exception {
        long linked = at(Duration.ZERO);
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.processElement2(customer("c-1", Duration.ZERO), linked);
            Harnesses.watermark(harness, linked + 1);
            snapshot = harness.snapshot(1L, linked + 1);
        }
        try (var restored = restoredFrom(snapshot)) {
            Harnesses.watermark(restored, linked + TTL.toMillis() - 1);
            assertThat(restored.numKeyedStateEntries()).isEqualTo(1);
            Harnesses.watermark(restored, linked + TTL.toMillis());
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    /** Visit detection as it was before one value per device: the sessions in a state of their own. */
    private static final class DetectorOfSeparateStates
            extends KeyedCoProcessFunction<String, LbsPing, CustomerAssignment, StoreVisitEvent> {
        private transient ValueState<Map<String, StoreSession>> sessions;

        @Override
        public void open(OpenContext openContext) {
            sessions = getRuntimeContext().getState(new ValueStateDescriptor<>(VisitDetector.SEPARATE_STATES_GUARD,
                    Types.MAP(Types.STRING, TypeInformation.of(StoreSession.class))));
        }

        @Override
        public void processElement1(LbsPing ping, Context ctx, Collector<StoreVisitEvent> out) throws Exception {
            sessions.update(Map.of("sh-test", StoreSession.startedAt(ping.ts(), null)));
        }

        @Override
        public void processElement2(CustomerAssignment assignment, Context ctx, Collector<StoreVisitEvent> out) {}
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointOfTheEarlierStateLayoutIsRefusedNotStartedAfresh(String backend) throws Exception {
        StateBackend stateBackend = EarlierStateLayouts.backend(backend);
        OperatorSubtaskState snapshot;
        try (var old = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new DetectorOfSeparateStates()),
                LbsPing::deviceId, VisitDetector::deviceOf, Types.STRING)) {
            old.setStateBackend(stateBackend);
            old.open();
            old.processElement1(ping(DEVICE, 0, 0, at(Duration.ZERO)), at(Duration.ZERO));
            snapshot = old.snapshot(1L, 1L);
        }
        try (var restored = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new VisitDetector(TestStore.catalog(), VisitRules.defaults(), Duration.ofDays(90))),
                LbsPing::deviceId, VisitDetector::deviceOf, Types.STRING)) {
            restored.setStateBackend(stateBackend);
            restored.initializeState(snapshot);
            // Open visits lost silently would make their exits and dwell vanish.
            EarlierStateLayouts.assertRefused(restored::open);
        }
    }
}
