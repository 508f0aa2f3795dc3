package io.o2o.analytics.journeys;

import static io.o2o.analytics.journeys.JourneyFixtures.DAY;
import static io.o2o.analytics.journeys.JourneyFixtures.HOUR;
import static io.o2o.analytics.journeys.JourneyFixtures.MINUTE;
import static io.o2o.analytics.journeys.JourneyFixtures.SATURDAY_TEN;
import static io.o2o.analytics.journeys.JourneyFixtures.purchase;
import static io.o2o.analytics.journeys.JourneyFixtures.visit;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ProfileUpdaterTest {
    private static final long ENTER = SATURDAY_TEN;
    private static final long EXIT = ENTER + 20 * MINUTE;

    private static KeyedTwoInputStreamOperatorTestHarness<String, CustomerActivity, CustomerAssignment, ProfileUpdate>
            harness() throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ProfileUpdater(Duration.ofDays(90))),
                CustomerActivity::customerId,
                ProfileUpdater::customerOf,
                Types.STRING);
        harness.open();
        return harness;
    }

    private static void assign(
            KeyedTwoInputStreamOperatorTestHarness<String, CustomerActivity, CustomerAssignment, ProfileUpdate> h,
            CustomerAssignment assignment) throws Exception {
        for (CustomerAssignment change : ProfileUpdater.membershipChanges(assignment)) {
            h.processElement2(change, assignment.ts());
        }
    }


    @Test
    void onlyIdentifiersAPlatformCanUseBecomeMembershipChanges() {
        assertThat(ProfileUpdater.membershipChanges(new CustomerAssignment("device:ab12", "c-a", null, ENTER))).isEmpty();
        assertThat(ProfileUpdater.membershipChanges(new CustomerAssignment("phone:cd34", "c-a", null, ENTER))).isEmpty();
        assertThat(ProfileUpdater.membershipChanges(new CustomerAssignment("member:m-1", "c-b", "c-a", ENTER)))
                .extracting(ProfileUpdater::customerOf)
                .containsExactly("c-b", "c-a");
    }

    @Test
    void aVisitAndAPurchaseReachTheProfileWithTheOnlineIdentifiersKnownThen() throws Exception {
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER - HOUR));
            assign(h, new CustomerAssignment("device:ab12", "c-a", null, ENTER - HOUR));
            CustomerActivity visit = visit("ab12", "sh-001", ENTER, EXIT).attributedTo("c-a", EXIT + 3 * MINUTE);
            h.processElement1(visit, visit.knownAt());
            // The member card was shown at the till, after the visit's purchase was known.
            CustomerActivity bought = purchase("t-1", "m-1", "sh-001", 99.0, EXIT - 2 * MINUTE).attributedTo("c-a", EXIT);
            h.processElement1(bought, bought.knownAt());
            assign(h, new CustomerAssignment("member:m-1", "c-a", null, EXIT + MINUTE));
            Harnesses.watermark(h, EXIT + HOUR);

            List<ProfileUpdate> updates = h.extractOutputValues();
            assertThat(updates).extracting(ProfileUpdate::type)
                    .containsExactly(ProfileUpdate.PURCHASE, ProfileUpdate.STORE_VISIT);
            assertThat(updates.get(0).identifiers()).containsExactly("user:u-1");
            assertThat(updates.get(0).zones()).containsExactly("sh-001-aisle-1");
            assertThat(updates.get(0).amount()).isEqualTo(99.0);
            assertThat(updates.get(1).identifiers()).containsExactly("member:m-1", "user:u-1");
            assertThat(updates.get(1).dwellMillis()).isEqualTo(20 * MINUTE);
            assertThat(updates).extracting(ProfileUpdate::updateId).doesNotHaveDuplicates();
        }
    }

    @Test
    void aMergeMovesTheIdentifiersToTheSurvivingCustomer() throws Exception {
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-young", null, ENTER - HOUR));
            assign(h, new CustomerAssignment("member:m-1", "c-old", null, ENTER - 2 * HOUR));
            assign(h, new CustomerAssignment("user:u-1", "c-old", "c-young", ENTER - MINUTE));
            CustomerActivity visit = visit("ab12", "sh-001", ENTER, EXIT).attributedTo("c-old", EXIT);
            h.processElement1(visit, EXIT);
            CustomerActivity stale = visit("ab13", "sh-001", ENTER, EXIT).attributedTo("c-young", EXIT);
            h.processElement1(stale, EXIT);
            Harnesses.watermark(h, EXIT + HOUR);
            assertThat(h.extractOutputValues())
                    .filteredOn(u -> u.customerId().equals("c-old"))
                    .singleElement()
                    .satisfies(u -> assertThat(u.identifiers()).containsExactly("member:m-1", "user:u-1"));
            assertThat(h.extractOutputValues())
                    .filteredOn(u -> u.customerId().equals("c-young"))
                    .singleElement()
                    .satisfies(u -> assertThat(u.identifiers()).isEmpty());
        }
    }

    // ---- the customer's online identifiers expire in event time

    private static final Duration TTL = Duration.ofDays(90);
    private static final long TEN_YEARS = Duration.ofDays(3653).toMillis();

    /** The identifiers on the profile update of a purchase at {@code bought}, after u-1 joined c-a at ENTER. */
    private static List<String> identifiersOfAPurchaseAt(long bought, boolean watermarkFirst) throws Exception {
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER));
            if (watermarkFirst) {
                Harnesses.watermark(h, bought - 1);
            }
            CustomerActivity purchase = purchase("t-1", "m-1", "sh-001", 10.0, bought).attributedTo("c-a", bought);
            h.processElement1(purchase, bought);
            Harnesses.watermark(h, Long.MAX_VALUE);
            return h.extractOutputValues().get(0).identifiers();
        }
    }

    @Test
    void aCustomerIdleForTheTtlInEventTimeHasNoOnlineIdentifiersAnyMore() throws Exception {
        for (boolean watermarkFirst : new boolean[] {false, true}) {
            assertThat(identifiersOfAPurchaseAt(ENTER + TTL.toMillis() - 1, watermarkFirst)).containsExactly("user:u-1");
            assertThat(identifiersOfAPurchaseAt(ENTER + TTL.toMillis(), watermarkFirst)).isEmpty();
        }
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER));
            Harnesses.watermark(h, ENTER + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).as("the identifier and the expiry").isEqualTo(2);
            Harnesses.watermark(h, ENTER + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void activityKeepsTheIdentifiersAndYearsOfWallClockExpireNothing() throws Exception {
        long first = ENTER + TTL.toMillis() / 2;
        long second = ENTER + TTL.toMillis() + DAY;
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER));
            Harnesses.watermark(h, ENTER + HOUR);
            h.setProcessingTime(TEN_YEARS);
            h.setStateTtlProcessingTime(TEN_YEARS);
            for (long at : new long[] {first, second}) {
                CustomerActivity purchase = purchase("t-" + at, "m-1", "sh-001", 10.0, at).attributedTo("c-a", at);
                h.processElement1(purchase, at);
            }
            Harnesses.watermark(h, second);
            assertThat(h.extractOutputValues()).extracting(ProfileUpdate::identifiers)
                    .containsExactly(List.of("user:u-1"), List.of("user:u-1"));
        }
    }

    @Test
    void theEndOfInputExpiresNothingAndARestoreKeepsThePendingExpiry() throws Exception {
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER));
            Harnesses.watermark(h, Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            assign(h, new CustomerAssignment("user:u-1", "c-a", null, ENTER));
            Harnesses.watermark(h, ENTER);
            snapshot = h.snapshot(1, ENTER);
        }
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ProfileUpdater(TTL)),
                CustomerActivity::customerId,
                ProfileUpdater::customerOf,
                Types.STRING)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            Harnesses.watermark(h, ENTER + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            Harnesses.watermark(h, ENTER + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
