package io.o2o.analytics.journeys;

import static io.o2o.analytics.journeys.JourneyFixtures.DAY;
import static io.o2o.analytics.journeys.JourneyFixtures.HOUR;
import static io.o2o.analytics.journeys.JourneyFixtures.MINUTE;
import static io.o2o.analytics.journeys.JourneyFixtures.SATURDAY_TEN;
import static io.o2o.analytics.journeys.JourneyFixtures.WINDOW;
import static io.o2o.analytics.journeys.JourneyFixtures.view;
import static io.o2o.analytics.journeys.JourneyFixtures.visit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CustomerAttributionTest {
    private static final String USER = "user:u-1";
    private static final long ENGAGED = SATURDAY_TEN;
    private static final long LINKED = SATURDAY_TEN + 2 * HOUR;

    private static KeyedTwoInputStreamOperatorTestHarness<String, CustomerActivity, CustomerAssignment, CustomerActivity>
            harness(int maxKept) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new CustomerAttribution(WINDOW, maxKept, Duration.ofDays(90))),
                CustomerActivity::identifier,
                CustomerAssignment::node,
                Types.STRING);
        harness.open();
        return harness;
    }


    private static CustomerAssignment joins(String node, String customer, String previous, long at) {
        return new CustomerAssignment(node, customer, previous, at);
    }

    @Test
    void anActivityOfALinkedIdentifierIsTheCustomersAtOnce() throws Exception {
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED - MINUTE), ENGAGED - MINUTE);
            h.processElement1(view("u-1", "app", ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED);
            assertThat(h.extractOutputValues())
                    .extracting(CustomerActivity::customerId, CustomerActivity::knownAt)
                    .containsExactly(tuple("c-a", ENGAGED));
            assertThat(h.extractOutputStreamRecords()).allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(ENGAGED));
        }
    }

    /**
     * A live moment (docs/visit-detection.md, two speeds) takes the customer its device has now, at once, to the side
     * output geo-offers read: not kept for later links, never a journey step.
     */
    @Test
    void aLiveMomentTakesTheDevicesCustomerAtOnceAndOnlyForGeoOffers() throws Exception {
        String device = "device:d-1";
        CustomerActivity live = CustomerActivity.liveMoment(
                io.o2o.analytics.records.StoreVisitEvent.of(io.o2o.analytics.records.StoreVisitEvent.ENTER, "d-1",
                        null, "sh-001", ENGAGED, ENGAGED, null).decidedAt(ENGAGED + 30_000),
                Duration.ofMinutes(3));
        try (var h = harness(64)) {
            h.processElement1(live, live.knownAt());
            assertThat(h.getSideOutput(CustomerAttribution.LIVE_MOMENTS)).as("no customer known yet").isNull();

            h.processElement2(joins(device, "c-a", null, ENGAGED - HOUR), ENGAGED - HOUR);
            Harnesses.watermark(h, ENGAGED - HOUR);
            h.processElement1(live, live.knownAt());

            assertThat(h.getSideOutput(CustomerAttribution.LIVE_MOMENTS)).singleElement().satisfies(record -> {
                assertThat(record.getValue().customerId()).isEqualTo("c-a");
                assertThat(record.getValue().knownAt()).isEqualTo(ENGAGED + 30_000);
                assertThat(record.getValue().isLive()).isTrue();
            });
            Harnesses.watermark(h, Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).as("the main output: journeys and final moments").isEmpty();
        }
    }

    @Test
    void anEngagementBeforeAnyLinkBecomesTheCustomersWhenTheLinkArrives() throws Exception {
        try (var h = harness(64)) {
            h.processElement1(view("u-1", "app", ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED + HOUR);
            assertThat(h.extractOutputValues()).as("no customer yet: nothing to join it with").isEmpty();

            h.processElement2(joins(USER, "c-a", null, LINKED), LINKED);
            Harnesses.watermark(h, LINKED);
            assertThat(h.extractOutputValues())
                    .extracting(CustomerActivity::customerId, CustomerActivity::ts, CustomerActivity::knownAt)
                    .containsExactly(tuple("c-a", ENGAGED, LINKED));
        }
    }

    @Test
    void theOrderOfArrivalDoesNotChangeTheAttribution() throws Exception {
        List<CustomerActivity> inOrder;
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED - MINUTE), ENGAGED - MINUTE);
            h.processElement1(view("u-1", "app", ENGAGED), ENGAGED);
            h.processElement2(joins(USER, "c-b", "c-a", ENGAGED + MINUTE), ENGAGED + MINUTE);
            Harnesses.watermark(h, ENGAGED + HOUR);
            inOrder = h.extractOutputValues();
        }
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-b", "c-a", ENGAGED + MINUTE), ENGAGED + MINUTE);
            h.processElement1(view("u-1", "app", ENGAGED), ENGAGED);
            h.processElement2(joins(USER, "c-a", null, ENGAGED - MINUTE), ENGAGED - MINUTE);
            Harnesses.watermark(h, ENGAGED + HOUR);
            assertThat(h.extractOutputValues()).isEqualTo(inOrder);
        }
        assertThat(inOrder).extracting(CustomerActivity::customerId, CustomerActivity::knownAt)
                .containsExactly(tuple("c-a", ENGAGED), tuple("c-b", ENGAGED + MINUTE));
    }

    @Test
    void aMergeSendsTheRecentActivitiesAgainAsTheSurvivorsAndOnlyThoseOfTheWindow() throws Exception {
        long lastWeek = LINKED - WINDOW.toMillis() - 1;
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-young", null, lastWeek - MINUTE), lastWeek - MINUTE);
            h.processElement1(view("u-1", "app", lastWeek), lastWeek);
            h.processElement1(view("u-1", "web", ENGAGED), ENGAGED);
            h.processElement2(joins(USER, "c-old", "c-young", LINKED), LINKED);
            Harnesses.watermark(h, LINKED);
            assertThat(h.extractOutputValues())
                    .extracting(CustomerActivity::customerId, CustomerActivity::channel, CustomerActivity::knownAt)
                    .containsExactly(
                            tuple("c-young", "app", lastWeek),
                            tuple("c-young", "web", ENGAGED),
                            tuple("c-old", "web", LINKED));
        }
    }

    @Test
    void aVisitDecidedLateIsKnownWhenDecidedAndALinkDuringItAttributesIt() throws Exception {
        String device = "device:d-1";
        CustomerActivity visit = visit("d-1", "sh-001", SATURDAY_TEN, SATURDAY_TEN + 20 * MINUTE);
        try (var h = harness(64)) {
            // The phone was linked at the till, ten minutes into the visit.
            h.processElement2(joins(device, "c-a", null, SATURDAY_TEN + 10 * MINUTE), SATURDAY_TEN + 10 * MINUTE);
            Harnesses.watermark(h, SATURDAY_TEN + 20 * MINUTE);
            h.processElement1(visit, visit.knownAt());
            Harnesses.watermark(h, visit.knownAt());
            assertThat(h.extractOutputValues())
                    .extracting(CustomerActivity::customerId, CustomerActivity::ts, CustomerActivity::knownAt)
                    .containsExactly(tuple("c-a", SATURDAY_TEN, SATURDAY_TEN + 23 * MINUTE));
        }
    }

    @Test
    void aVisitIsKnownAtItsDecisionWhateverTimestampTheDetectorGaveItsRecord() throws Exception {
        // A detector whose watermark jumped past the exit emits the visit from an earlier timer, with that
        // timer's timestamp: the visit must still be known at its exit plus the exit timeout, not before.
        String device = "device:d-1";
        CustomerActivity visit = visit("d-1", "sh-001", SATURDAY_TEN, SATURDAY_TEN + 20 * MINUTE);
        try (var h = harness(64)) {
            h.processElement2(joins(device, "c-a", null, SATURDAY_TEN - HOUR), SATURDAY_TEN - HOUR);
            h.processElement1(visit, SATURDAY_TEN - HOUR);
            Harnesses.watermark(h, SATURDAY_TEN + HOUR);
            assertThat(h.extractOutputStreamRecords()).singleElement()
                    .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(SATURDAY_TEN + 23 * MINUTE));
        }
    }

    @Test
    void aHeavyBrowserKeepsOnlyTheNewestActivities() throws Exception {
        try (var h = harness(3)) {
            for (int i = 0; i < 10; i++) {
                h.processElement1(view("u-1", "app", ENGAGED + i * MINUTE), ENGAGED + i * MINUTE);
            }
            h.processElement2(joins(USER, "c-a", null, LINKED), LINKED);
            Harnesses.watermark(h, LINKED);
            assertThat(h.extractOutputValues()).extracting(CustomerActivity::ts)
                    .containsExactly(ENGAGED + 7 * MINUTE, ENGAGED + 8 * MINUTE, ENGAGED + 9 * MINUTE);
        }
    }

    @Test
    void theHistoryEmptiesOnceTheWindowHasPassedAndSurvivesARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(64)) {
            h.processElement1(view("u-1", "app", ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED + DAY);
            snapshot = h.snapshot(1, ENGAGED + DAY);
        }
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new CustomerAttribution(WINDOW, 64, Duration.ofDays(90))),
                CustomerActivity::identifier,
                CustomerAssignment::node,
                Types.STRING)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement2(joins(USER, "c-a", null, ENGAGED + 2 * DAY), ENGAGED + 2 * DAY);
            Harnesses.watermark(h, ENGAGED + 2 * DAY);
            assertThat(h.extractOutputValues()).extracting(CustomerActivity::customerId, CustomerActivity::ts)
                    .containsExactly(tuple("c-a", ENGAGED));
            Harnesses.watermark(h, ENGAGED + WINDOW.toMillis() + 2 * DAY);
            assertThat(h.numKeyedStateEntries()).as("only the identifier's customer and its expiry are left")
                    .isEqualTo(2);
        }
    }

    // ---- the identifier's customer expires in event time

    private static final Duration TTL = Duration.ofDays(90);
    private static final long TEN_YEARS = Duration.ofDays(3653).toMillis();

    private static KeyedTwoInputStreamOperatorTestHarness<String, CustomerActivity, CustomerAssignment, CustomerActivity>
            restoredFrom(OperatorSubtaskState snapshot) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new CustomerAttribution(WINDOW, 64, TTL)),
                CustomerActivity::identifier,
                CustomerAssignment::node,
                Types.STRING);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        return h;
    }

    /** The customers the identifier's activity at {@code browsed} goes to, after a link at {@code ENGAGED}. */
    private static List<String> customersOfAnActivityAt(long browsed, boolean watermarkFirst) throws Exception {
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED), ENGAGED);
            if (watermarkFirst) {
                Harnesses.watermark(h, browsed - 1);
            }
            h.processElement1(view("u-1", "app", browsed), browsed);
            Harnesses.watermark(h, Long.MAX_VALUE);
            return h.extractOutputValues().stream().map(CustomerActivity::customerId).toList();
        }
    }

    @Test
    void anIdentifierIdleForTheTtlInEventTimeBelongsToNoCustomerAnyMore() throws Exception {
        for (boolean watermarkFirst : new boolean[] {false, true}) {
            assertThat(customersOfAnActivityAt(ENGAGED + TTL.toMillis() - 1, watermarkFirst)).containsExactly("c-a");
            assertThat(customersOfAnActivityAt(ENGAGED + TTL.toMillis(), watermarkFirst)).as("idle for the TTL").isEmpty();
        }
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).as("the customer and its expiry").isEqualTo(2);
            Harnesses.watermark(h, ENGAGED + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void activityKeepsTheCustomerAndYearsOfWallClockExpireNothing() throws Exception {
        long browsed = ENGAGED + TTL.toMillis() / 2;
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED + HOUR);
            h.setProcessingTime(TEN_YEARS);
            h.setStateTtlProcessingTime(TEN_YEARS);
            h.processElement1(view("u-1", "app", browsed), browsed);
            long later = ENGAGED + TTL.toMillis() + DAY;
            h.processElement1(view("u-1", "app", later), later);
            Harnesses.watermark(h, browsed + TTL.toMillis() - 1);
            assertThat(h.extractOutputValues()).extracting(CustomerActivity::customerId).containsExactly("c-a", "c-a");
        }
    }

    @Test
    void theEndOfInputExpiresNothingAndARestoreKeepsThePendingExpiry() throws Exception {
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED), ENGAGED);
            Harnesses.watermark(h, Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(64)) {
            h.processElement2(joins(USER, "c-a", null, ENGAGED), ENGAGED);
            Harnesses.watermark(h, ENGAGED);
            snapshot = h.snapshot(1, ENGAGED);
        }
        try (var h = restoredFrom(snapshot)) {
            Harnesses.watermark(h, ENGAGED + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            Harnesses.watermark(h, ENGAGED + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
