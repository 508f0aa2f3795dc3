package io.o2o.analytics.offers;

import static io.o2o.analytics.offers.OfferFixtures.CUSTOMER;
import static io.o2o.analytics.offers.OfferFixtures.DAY;
import static io.o2o.analytics.offers.OfferFixtures.DELAY;
import static io.o2o.analytics.offers.OfferFixtures.FITTING_ROOM;
import static io.o2o.analytics.offers.OfferFixtures.HOUR;
import static io.o2o.analytics.offers.OfferFixtures.MEMBER;
import static io.o2o.analytics.offers.OfferFixtures.MINUTE;
import static io.o2o.analytics.offers.OfferFixtures.NOON;
import static io.o2o.analytics.offers.OfferFixtures.STORE;
import static io.o2o.analytics.offers.OfferFixtures.engagedThenNear;
import static io.o2o.analytics.offers.OfferFixtures.engagement;
import static io.o2o.analytics.offers.OfferFixtures.enter;
import static io.o2o.analytics.offers.OfferFixtures.exit;
import static io.o2o.analytics.offers.OfferFixtures.left;
import static io.o2o.analytics.offers.OfferFixtures.liveEnter;
import static io.o2o.analytics.offers.OfferFixtures.membership;
import static io.o2o.analytics.offers.OfferFixtures.online;
import static io.o2o.analytics.offers.OfferFixtures.passBy;
import static io.o2o.analytics.offers.OfferFixtures.preference;
import static io.o2o.analytics.offers.OfferFixtures.purchase;
import static io.o2o.analytics.offers.OfferFixtures.rule;
import static io.o2o.analytics.offers.OfferFixtures.rules;
import static io.o2o.analytics.offers.OfferFixtures.visit;
import static io.o2o.analytics.offers.OfferFixtures.zoneEntry;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.testing.EarlierStateLayouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OfferEngineTest {
    private static final String ENTER_RULE = rule("welcome", "\"trigger\":{\"type\":\"enter\"}");

    private static KeyedBroadcastOperatorTestHarness<String, OfferSignal, OfferRuleChange, OfferDecision> harness(
            List<String> rules) throws Exception {
        var harness = unopened(rules, null);
        harness.open();
        return harness;
    }

    /**
     * A harness of the engine not yet opened nor restored, refusing generic types as the job does.
     *
     * @param backend the state backend, or null for the harness's heap backend
     */
    private static KeyedBroadcastOperatorTestHarness<String, OfferSignal, OfferRuleChange, OfferDecision> unopened(
            List<String> rules, StateBackend backend) throws Exception {
        OfferEngine engine = new OfferEngine(OfferFixtures.parser(), rules, OfferFixtures.policy(),
                OfferFixtures.fences(), Duration.ofDays(90));
        var harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(engine, List.of(OfferEngine.RULES)), OfferSignal::customerId,
                Types.STRING, 1, 1, 0);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        return harness;
    }

    /** Every signal, then the watermark past them all: what the engine decides. */
    private static List<OfferDecision> decide(List<String> rules, OfferSignal... signals) throws Exception {
        try (var harness = harness(rules)) {
            for (OfferSignal signal : signals) {
                harness.processElement(signal, signal.knownAt());
            }
            harness.watermark(Long.MAX_VALUE - 1);
            return harness.extractOutputValues();
        }
    }

    private static List<String> outcomes(List<OfferDecision> decisions) {
        return decisions.stream().map(d -> d.ruleId() + ":" + d.outcome()).toList();
    }

    @Test
    void aMemberEnteringGetsTheOfferWithEveryOnlineIdentifierAndADeterministicId() throws Exception {
        List<OfferDecision> first = decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR),
                membership("user:u-1", NOON - HOUR), membership("device:d-1", NOON - HOUR), enter(STORE, NOON));
        List<OfferDecision> again = decide(rules(ENTER_RULE), enter(STORE, NOON), membership("user:u-1", NOON - HOUR),
                membership(MEMBER, NOON - HOUR));

        assertThat(first).singleElement().satisfies(offer -> {
            assertThat(offer.outcome()).isEqualTo(OfferDecision.SENT);
            assertThat(offer.recipients()).containsExactly(MEMBER, "user:u-1");
            assertThat(offer.storeId()).isEqualTo(STORE);
            assertThat(offer.triggeredAt()).isEqualTo(NOON);
            assertThat(offer.decidedAt()).isEqualTo(NOON);
            assertThat(offer.redeemBy()).isEqualTo(NOON + 7 * DAY);
            assertThat(offer.offerJson()).isEqualTo("{\"title\":\"welcome\"}");
        });
        assertThat(again).extracting(OfferDecision::offerId).containsExactly(first.get(0).offerId());
    }

    /** The memberships applied (the watermark past them), the engine's clock {@code sinceNoon} after noon. */
    private static KeyedBroadcastOperatorTestHarness<String, OfferSignal, OfferRuleChange, OfferDecision> knowingTheMember(
            long sinceNoon) throws Exception {
        var harness = harness(rules(ENTER_RULE));
        harness.setProcessingTime(NOON + sinceNoon);
        harness.processElement(membership(MEMBER, NOON - HOUR), NOON - HOUR);
        harness.processElement(membership("user:u-1", NOON - HOUR), NOON - HOUR);
        harness.watermark(NOON - HOUR);
        return harness;
    }

    @Test
    void aLiveEntryIsDecidedAsItArrivesAndItsFinalMomentDecidesNothingAgain() throws Exception {
        List<OfferDecision> inEventTime = decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR),
                membership("user:u-1", NOON - HOUR), enter(STORE, NOON));
        try (var harness = knowingTheMember(2 * 1000)) {
            harness.processElement(liveEnter(STORE, NOON), NOON);

            // No watermark past noon yet: decided as it arrived, as the final moment alone decides it, and marked live.
            assertThat(harness.extractOutputValues()).singleElement().satisfies(live -> {
                assertThat(live.live()).isTrue();
                assertThat(asDecidedInEventTime(live)).isEqualTo(inEventTime.get(0));
            });
            harness.processElement(enter(STORE, NOON), NOON);
            harness.watermark(Long.MAX_VALUE - 1);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
        assertThat(outcomes(inEventTime)).containsExactly("welcome:sent");
    }

    private static OfferDecision asDecidedInEventTime(OfferDecision d) {
        return new OfferDecision(d.offerId(), d.outcome(), d.reason(), d.ruleId(), d.ruleVersion(), d.customerId(),
                d.storeId(), d.zoneId(), d.trigger(), d.triggerEventId(), d.triggeredAt(), d.decidedAt(), d.recipients(),
                d.offerJson(), d.redeemBy(), d.txId(), d.amount(), false);
    }

    /** A moment from a backlog or a replay is decided in event time, in order, not in the order it arrived. */
    @Test
    void aLiveMomentOlderThanLiveWithinWaitsForItsFinalMoment() throws Exception {
        try (var harness = knowingTheMember(OfferFixtures.policy().liveWithin().toMillis() + 1)) {
            harness.processElement(liveEnter(STORE, NOON), NOON);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processElement(enter(STORE, NOON), NOON);
            harness.watermark(Long.MAX_VALUE - 1);
            assertThat(outcomes(harness.extractOutputValues())).containsExactly("welcome:sent");
        }
    }

    @Test
    void aLiveMomentOfACustomerTheEngineKnowsNothingOfIsLeftToTheFinalMoment() throws Exception {
        try (var harness = harness(rules(ENTER_RULE))) {
            harness.setProcessingTime(NOON + 1000);
            harness.processElement(liveEnter(STORE, NOON), NOON);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processElement(membership(MEMBER, NOON - HOUR), NOON - HOUR);
            harness.processElement(enter(STORE, NOON), NOON);
            harness.watermark(Long.MAX_VALUE - 1);
            assertThat(outcomes(harness.extractOutputValues())).containsExactly("welcome:sent");
        }
    }

    /**
     * A ping out of order: the live path confirmed the entry a ping later than the final decisions did. The offer sent
     * live stays sent, the final moment's own offer meets the store cooldown, and the live moment no final decision
     * confirmed is counted once the customer's next hourly cleanup finds it.
     */
    @Test
    void aLiveMomentTheFinalDecisionsDidNotMakeIsCountedAndItsOfferStays() throws Exception {
        OfferEngine engine = new OfferEngine(OfferFixtures.parser(), rules(ENTER_RULE), OfferFixtures.policy(),
                OfferFixtures.fences(), Duration.ofDays(90));
        try (var harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(engine, List.of(OfferEngine.RULES)), OfferSignal::customerId,
                Types.STRING, 1, 1, 0)) {
            harness.open();
            harness.setProcessingTime(NOON + 30 * 1000 + 1000);
            harness.processElement(membership(MEMBER, NOON - HOUR), NOON - HOUR);
            harness.watermark(NOON - HOUR);
            harness.processElement(liveEnter(STORE, NOON + 30 * 1000), NOON + 30 * 1000);
            harness.processElement(enter(STORE, NOON), NOON);
            harness.processElement(passBy("sh-002", NOON + 2 * HOUR), NOON + 2 * HOUR);
            harness.watermark(Long.MAX_VALUE - 1);

            assertThat(outcomes(harness.extractOutputValues()))
                    .containsExactly("welcome:sent", "welcome:suppressed_cap");
            assertThat(engine.getRuntimeContext().getAccumulator(OfferEngine.LIVE_CONTRADICTED_ACCUMULATOR)
                    .getLocalValue()).isEqualTo(1L);
            assertThat(engine.getRuntimeContext().getAccumulator(OfferEngine.LIVE_DECIDED_ACCUMULATOR)
                    .getLocalValue()).isEqualTo(1L);
        }
    }

    @Test
    void noOnlineIdentifierMeansNoOneToSendTo() throws Exception {
        assertThat(outcomes(decide(rules(ENTER_RULE), membership("device:d-1", NOON - HOUR), enter(STORE, NOON))))
                .containsExactly("welcome:suppressed_unreachable");
    }

    @Test
    void theAudienceKnownMemberAndChannelsAndSegmentsSelectCustomers() throws Exception {
        List<String> members = rules(rule("members", "\"trigger\":{\"type\":\"enter\"},\"audience\":{\"knownMember\":true}"));
        assertThat(decide(members, membership("user:u-1", NOON - HOUR), enter(STORE, NOON))).isEmpty();
        assertThat(outcomes(decide(members, membership(MEMBER, NOON - HOUR), enter(STORE, NOON))))
                .containsExactly("members:sent");

        List<String> wechat = rules(rule("wechat", "\"trigger\":{\"type\":\"enter\"},\"audience\":{\"channels\":[\"wechat\"]}"));
        assertThat(decide(wechat, membership(MEMBER, NOON - HOUR), online(engagement("view", "sku-1", null, NOON - HOUR)),
                enter(STORE, NOON))).as("seen on the app only").isEmpty();

        List<String> vip = rules(rule("vip", "\"trigger\":{\"type\":\"enter\"},\"audience\":{\"segments\":[\"vip\"]}"));
        assertThat(decide(vip, membership(MEMBER, NOON - HOUR), preference(true, List.of(), NOON - HOUR),
                enter(STORE, NOON))).isEmpty();
        assertThat(outcomes(decide(vip, membership(MEMBER, NOON - HOUR), preference(true, List.of("vip"), NOON - HOUR),
                enter(STORE, NOON)))).containsExactly("vip:sent");
    }

    @Test
    void anOptOutSuppressesEveryOfferAndTheAuditSaysWhoAndWhen() throws Exception {
        List<OfferDecision> decisions = decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR),
                preference(false, List.of(), NOON - HOUR), enter(STORE, NOON),
                preference(true, List.of(), NOON + HOUR), enter("sh-002", NOON + 2 * HOUR));

        assertThat(outcomes(decisions)).containsExactly("welcome:suppressed_consent", "welcome:sent");
        assertThat(decisions.get(0).reason()).isEqualTo(MEMBER + " opted out of offers at 2026-03-07T03:00:00Z");
    }

    @Test
    void passingByFiresPassByRulesOnly() throws Exception {
        List<String> both = rules(ENTER_RULE, rule("passing", "\"trigger\":{\"type\":\"pass_by\"}"));
        assertThat(outcomes(decide(both, membership(MEMBER, NOON - HOUR), passBy(STORE, NOON))))
                .containsExactly("passing:sent");
    }

    @Test
    void dwellInTheStoreFiresAtTheThresholdUnlessTheExitIsKnownBefore() throws Exception {
        List<String> dwell = rules(rule("linger", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT10M\"}"));
        List<OfferDecision> stayed = decide(dwell, membership(MEMBER, NOON - HOUR), enter(STORE, NOON));
        assertThat(stayed).singleElement().satisfies(offer -> {
            assertThat(offer.outcome()).isEqualTo(OfferDecision.SENT);
            assertThat(offer.triggeredAt()).isEqualTo(NOON + 10 * MINUTE);
        });

        // Left at 12:06: the exit is known at 12:09, before the threshold.
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), enter(STORE, NOON), exit(STORE, NOON + 6 * MINUTE)))
                .isEmpty();
        // Left at 12:07 + 1 ms: known 1 ms after the threshold, too late to stop it.
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), enter(STORE, NOON),
                exit(STORE, NOON + 10 * MINUTE - DELAY.toMillis() + 1))).hasSize(1);
        // Known exactly at the threshold: the exit is taken first.
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), enter(STORE, NOON),
                exit(STORE, NOON + 10 * MINUTE - DELAY.toMillis()))).isEmpty();
    }

    @Test
    void aCustomerMergedIntoAnotherFiresNothingForWhatItStillHadOpen() throws Exception {
        List<String> dwell = rules(rule("linger", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT10M\"}"),
                rule("left", "\"trigger\":{\"type\":\"visit_without_purchase\"}"));
        // The survivor gets the moments from the merge on; this one must not fire offers for nobody.
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), membership("device:d-1", NOON - HOUR),
                visit("sh-002", NOON - HOUR, NOON - 20 * MINUTE), enter(STORE, NOON),
                left(MEMBER, NOON + 5 * MINUTE), left("device:d-1", NOON + 5 * MINUTE))).isEmpty();
        // One identifier of two leaving (a split) leaves the customer as it was.
        assertThat(outcomes(decide(dwell, membership(MEMBER, NOON - HOUR), membership("device:d-1", NOON - HOUR),
                enter(STORE, NOON), left("device:d-1", NOON + 5 * MINUTE)))).containsExactly("linger:sent");
    }

    @Test
    void dwellInAZoneFiresForThatZoneOnly() throws Exception {
        List<String> dwell = rules(rule("fitting", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT5M\",\"zone\":\""
                + FITTING_ROOM + "\"}"));
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), zoneEntry("sh-001-aisle", NOON))).isEmpty();
        assertThat(decide(dwell, membership(MEMBER, NOON - HOUR), zoneEntry(FITTING_ROOM, NOON)))
                .singleElement()
                .satisfies(offer -> {
                    assertThat(offer.zoneId()).isEqualTo(FITTING_ROOM);
                    assertThat(offer.triggeredAt()).isEqualTo(NOON + 5 * MINUTE);
                });
    }

    @Test
    void anEngagementThenNearTheStoreFiresWithinTheRulesWindowToTheMillisecond() throws Exception {
        List<String> browsed = rules(rule("browsed", "\"trigger\":{\"type\":\"engaged_then_near\",\"within\":\"PT2H\","
                + "\"actions\":[\"cart\"],\"skus\":[\"sku-1\"]}"));
        OfferSignal near = passBy(STORE, NOON);
        assertThat(outcomes(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("cart", "sku-1", null, NOON - 2 * HOUR), near)))).containsExactly("browsed:sent");
        assertThat(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("cart", "sku-1", null, NOON - 2 * HOUR - 1), near))).as("1 ms too early").isEmpty();
        assertThat(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("view", "sku-1", null, NOON - HOUR), near))).as("a view").isEmpty();
        assertThat(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("cart", "sku-2", null, NOON - HOUR), near))).as("another sku").isEmpty();
        assertThat(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("cart", "sku-1", "sh-002", NOON - HOUR), near))).as("another store").isEmpty();
        // Two engagements with the same pass-by: one offer for the moment.
        assertThat(decide(browsed, membership(MEMBER, NOON - 3 * HOUR),
                engagedThenNear(engagement("cart", "sku-1", null, NOON - HOUR), near),
                engagedThenNear(engagement("cart", "sku-1", STORE, NOON - 30 * MINUTE), near))).hasSize(1);
    }

    @Test
    void aVisitWithoutPurchaseFiresWhenTheGraceEndsAndAPurchaseWithinItStopsIt() throws Exception {
        List<String> left = rules(rule("left", "\"trigger\":{\"type\":\"visit_without_purchase\",\"grace\":\"PT30M\"}"));
        long exit = NOON + 20 * MINUTE;
        assertThat(decide(left, membership(MEMBER, NOON - HOUR), visit(STORE, NOON, exit)))
                .singleElement()
                .extracting(OfferDecision::triggeredAt)
                .isEqualTo(exit + 30 * MINUTE);
        assertThat(decide(left, membership(MEMBER, NOON - HOUR), purchase(STORE, "t-1", 10, NOON + 5 * MINUTE),
                visit(STORE, NOON, exit))).as("bought during the visit").isEmpty();
        assertThat(decide(left, membership(MEMBER, NOON - HOUR), visit(STORE, NOON, exit),
                purchase(STORE, "t-1", 10, exit + 30 * MINUTE))).as("bought at the end of the grace").isEmpty();
        assertThat(decide(left, membership(MEMBER, NOON - HOUR), visit(STORE, NOON, exit),
                purchase(STORE, "t-1", 10, exit + 30 * MINUTE + 1))).as("bought 1 ms after: the offer, redeemed")
                .extracting(OfferDecision::outcome)
                .containsExactly(OfferDecision.SENT, OfferDecision.REDEEMED);
        assertThat(decide(left, membership(MEMBER, NOON - HOUR), visit(STORE, NOON, exit),
                purchase("sh-002", "t-1", 10, exit + MINUTE))).as("bought elsewhere").hasSize(1);
    }

    @Test
    void aLapsedMemberNearbyIsOneWhoseLastVisitIsAtLeastTheLapseAgo() throws Exception {
        List<String> lapsed = rules(rule("lapsed", "\"trigger\":{\"type\":\"lapsed_member_nearby\",\"lapsedFor\":\"P30D\"}"));
        long lastExit = NOON - 30 * DAY;
        assertThat(outcomes(decide(lapsed, membership(MEMBER, lastExit - HOUR), visit("sh-002", lastExit - HOUR, lastExit),
                passBy(STORE, NOON)))).containsExactly("lapsed:sent");
        assertThat(decide(lapsed, membership(MEMBER, lastExit - HOUR), visit("sh-002", lastExit - HOUR, lastExit + 1),
                passBy(STORE, NOON))).as("1 ms short of the lapse").isEmpty();
        assertThat(decide(lapsed, membership("user:u-1", lastExit - HOUR), visit("sh-002", lastExit - HOUR, lastExit),
                passBy(STORE, NOON))).as("not a member").isEmpty();
        assertThat(decide(lapsed, membership(MEMBER, NOON - HOUR), passBy(STORE, NOON)))
                .as("never seen in a store").isEmpty();
    }

    @Test
    void capsAndCooldownsSuppressWithTheirReason() throws Exception {
        List<String> capped = rules(rule("daily", "\"trigger\":{\"type\":\"enter\"},\"caps\":{\"perCustomerPerDay\":1}"));
        List<OfferDecision> decisions = decide(capped, membership(MEMBER, NOON - HOUR), enter(STORE, NOON),
                enter("sh-002", NOON + 5 * HOUR), enter("sh-002", NOON + DAY));
        assertThat(outcomes(decisions)).containsExactly("daily:sent", "daily:suppressed_cap", "daily:sent");
        assertThat(decisions.get(1).reason()).isEqualTo("rule cap: 1 per customer per day");

        List<String> ever = rules(rule("twice", "\"trigger\":{\"type\":\"enter\"},\"caps\":{\"perCustomer\":2}"));
        assertThat(outcomes(decide(ever, membership(MEMBER, NOON - HOUR), enter(STORE, NOON), enter("sh-002", NOON + DAY),
                enter("sh-003", NOON + 2 * DAY)))).containsExactly("twice:sent", "twice:sent", "twice:suppressed_cap");

        List<String> cooldown = rules(rule("cool", "\"trigger\":{\"type\":\"enter\"},\"caps\":{\"cooldown\":\"P2D\"}"));
        assertThat(decide(cooldown, membership(MEMBER, NOON - HOUR), enter(STORE, NOON), enter("sh-002", NOON + DAY),
                enter("sh-003", NOON + 2 * DAY))).extracting(OfferDecision::reason)
                .containsExactly(null, "rule cooldown: PT48H", null);

        // The store cooldown (4 h) holds across rules; the customer's daily cap (3) across rules and stores.
        List<String> two = rules(ENTER_RULE, rule("passing", "\"trigger\":{\"type\":\"pass_by\"}"));
        assertThat(decide(two, membership(MEMBER, NOON - HOUR), enter(STORE, NOON), passBy(STORE, NOON + HOUR),
                passBy(STORE, NOON + 4 * HOUR))).extracting(OfferDecision::reason)
                .containsExactly(null, "store cooldown: PT4H at sh-001", null);
        assertThat(decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR), enter(STORE, NOON), enter("sh-002", NOON + MINUTE),
                enter("sh-003", NOON + 2 * MINUTE), enter("sh-004", NOON + 3 * MINUTE))).extracting(OfferDecision::reason)
                .containsExactly(null, null, null, "customer cap: 3 per day");
    }

    @Test
    void quietHoursSuppressAndSchedulesAndOpeningHoursLimitWhenARuleRuns() throws Exception {
        long elevenPm = NOON + 11 * HOUR;
        assertThat(outcomes(decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR), enter(STORE, elevenPm))))
                .containsExactly("welcome:suppressed_quiet_hours");

        List<String> weekdays = rules(rule("weekdays", "\"trigger\":{\"type\":\"enter\"},"
                + "\"schedule\":{\"days\":[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\"],\"hours\":\"11:00-12:00\"}"));
        assertThat(decide(weekdays, membership(MEMBER, NOON - HOUR), enter(STORE, NOON))).as("a Saturday").isEmpty();
        long mondayEleven = NOON + 2 * DAY - HOUR;
        assertThat(decide(weekdays, membership(MEMBER, NOON - HOUR), enter(STORE, mondayEleven))).hasSize(1);
        assertThat(decide(weekdays, membership(MEMBER, NOON - HOUR), enter(STORE, mondayEleven + HOUR)))
                .as("12:00 is past the hours").isEmpty();

        List<String> open = rules(rule("open", "\"trigger\":{\"type\":\"pass_by\"},\"schedule\":{\"openingHoursOnly\":true}"));
        long nineThirty = NOON - 150 * MINUTE; // sh-001 opens at 10:00
        assertThat(decide(open, membership(MEMBER, NOON - 3 * HOUR), passBy(STORE, nineThirty))).isEmpty();
        assertThat(decide(open, membership(MEMBER, NOON - 3 * HOUR), passBy(STORE, nineThirty + 30 * MINUTE))).hasSize(1);
    }

    @Test
    void aMomentLearntLaterThanTheFreshnessFiresNothing() throws Exception {
        OfferSignal enter = enter(STORE, NOON);
        OfferSignal learntLate = new OfferSignal(enter.kind(), enter.eventId(), CUSTOMER, NOON + 15 * MINUTE + 1,
                enter.activity(), null, null, null);
        OfferSignal learntInTime = new OfferSignal(enter.kind(), enter.eventId(), CUSTOMER, NOON + 15 * MINUTE,
                enter.activity(), null, null, null);
        assertThat(decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR), learntLate)).isEmpty();
        assertThat(decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR), learntInTime)).hasSize(1);
    }

    @Test
    void aRuleChangeTakesEffectFromItsEventTimeAndADeletionStopsTheRule() throws Exception {
        OfferRuleParser parser = OfferFixtures.parser();
        OfferRuleChange added = parser.parseChange(
                rule("flash", "\"version\":2,\"trigger\":{\"type\":\"enter\"},\"ts\":" + (NOON + HOUR)));
        OfferRuleChange deleted = parser.parseChange(
                "{\"id\":\"flash\",\"status\":\"deleted\",\"ts\":" + (NOON + 3 * HOUR) + "}");
        try (var harness = harness(List.of())) {
            // The change arrives before moments both sides of its time: it judges only those at or after it.
            harness.processBroadcastElement(added, NOON);
            harness.processBroadcastElement(deleted, NOON);
            for (OfferSignal signal : List.of(membership(MEMBER, NOON - HOUR), enter(STORE, NOON + HOUR - 1),
                    enter("sh-002", NOON + HOUR), enter("sh-003", NOON + 3 * HOUR - 1), enter("sh-004", NOON + 3 * HOUR))) {
                harness.processElement(signal, signal.knownAt());
            }
            harness.watermark(Long.MAX_VALUE - 1);
            assertThat(harness.extractOutputValues()).extracting(OfferDecision::storeId, OfferDecision::ruleVersion)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("sh-002", 2),
                            org.assertj.core.groups.Tuple.tuple("sh-003", 2));
        }
    }

    @Test
    void aRuleChangeOverridesTheFileRuleOfTheSameIdAndSurvivesARestore() throws Exception {
        OfferRuleChange paused = OfferFixtures.parser().parseChange(
                rule("welcome", "\"status\":\"paused\",\"trigger\":{\"type\":\"enter\"},\"ts\":" + (NOON + HOUR)));
        OperatorSubtaskState snapshot;
        try (var harness = harness(rules(ENTER_RULE))) {
            harness.processBroadcastElement(paused, NOON);
            harness.processElement(membership(MEMBER, NOON - HOUR), NOON - HOUR);
            harness.processElement(enter(STORE, NOON), NOON);
            harness.watermark(NOON + 1);
            assertThat(harness.extractOutputValues()).hasSize(1);
            snapshot = harness.snapshot(1, NOON + 1);
        }
        try (var restored = unopened(rules(ENTER_RULE), null)) {
            restored.initializeState(snapshot);
            restored.open();
            OfferSignal later = enter("sh-002", NOON + 2 * HOUR);
            restored.processElement(later, later.knownAt());
            restored.watermark(Long.MAX_VALUE - 1);
            assertThat(restored.extractOutputValues()).as("paused from 13:00").isEmpty();
        }
    }

    @Test
    void aPurchaseAtTheStoreRedeemsTheLatestOpenOfferOnce() throws Exception {
        List<String> welcome = rules(rule("welcome", "\"version\":3,\"trigger\":{\"type\":\"enter\"}"));
        List<OfferDecision> decisions = decide(welcome, membership(MEMBER, NOON - HOUR), enter(STORE, NOON),
                purchase(STORE, "t-1", 120.5, NOON + 20 * MINUTE), purchase(STORE, "t-2", 30, NOON + 30 * MINUTE),
                purchase("sh-002", "t-3", 10, NOON + 40 * MINUTE));
        assertThat(decisions).extracting(OfferDecision::outcome)
                .containsExactly(OfferDecision.SENT, OfferDecision.REDEEMED);
        assertThat(decisions.get(1)).satisfies(redeemed -> {
            assertThat(redeemed.offerId()).isEqualTo(decisions.get(0).offerId());
            assertThat(redeemed.txId()).isEqualTo("t-1");
            assertThat(redeemed.ruleVersion()).isEqualTo(3);
            assertThat(redeemed.amount()).isEqualTo(120.5);
            assertThat(redeemed.decidedAt()).isEqualTo(NOON + 20 * MINUTE);
        });
        assertThat(decide(rules(ENTER_RULE), membership(MEMBER, NOON - HOUR), enter(STORE, NOON),
                purchase(STORE, "t-1", 1, NOON + 7 * DAY + 1))).as("after the redemption window").hasSize(1);
    }

    @Test
    void decisionsDoNotDependOnTheOrderSignalsArriveIn() throws Exception {
        List<String> rules = rules(ENTER_RULE, rule("passing", "\"trigger\":{\"type\":\"pass_by\"},\"caps\":{\"perCustomerPerDay\":1}"),
                rule("linger", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT10M\"}"));
        List<OfferSignal> signals = List.of(membership(MEMBER, NOON - HOUR), preference(true, List.of(), NOON - HOUR),
                passBy("sh-002", NOON - 30 * MINUTE), enter(STORE, NOON), passBy("sh-003", NOON + 5 * MINUTE),
                exit(STORE, NOON + 30 * MINUTE), purchase(STORE, "t-1", 5, NOON + 25 * MINUTE),
                passBy("sh-004", NOON + 6 * HOUR));
        List<OfferDecision> inOrder = decide(rules, signals.toArray(OfferSignal[]::new));
        List<OfferSignal> shuffled = new ArrayList<>(signals);
        Collections.reverse(shuffled);
        assertThat(decide(rules, shuffled.toArray(OfferSignal[]::new))).isEqualTo(inOrder);
        // 11:30 a pass-by at sh-002; 12:00 the entry at sh-001; 12:05 a second pass-by the same day; 12:10 the dwell
        // at sh-001, within its 4 h store cooldown; 12:25 a purchase there; 18:00 a pass-by within 24 h of the first.
        assertThat(outcomes(inOrder)).containsExactly("passing:sent", "welcome:sent", "passing:suppressed_cap",
                "linger:suppressed_cap", "welcome:redeemed", "passing:suppressed_cap");
    }

    // ---- a store open across midnight

    private static final String NIGHT_STORE = "night-1";

    /** One bar-like store in Shanghai, open 18:00-02:00, with a pass-by rule for its opening hours only. */
    private static List<OfferDecision> passingTheNightStoreAt(long at) throws Exception {
        FenceCatalog fences = FenceCatalog.fromGeoJson("""
                {"type":"FeatureCollection","features":[
                 {"type":"Feature","properties":{"type":"store","id":"night-1","nearBufferM":30,"capacity":80,
                   "openingHours":"18:00-02:00","timezone":"Asia/Shanghai"},
                  "geometry":{"type":"Polygon","coordinates":[[[121.4700,31.2300],[121.4706,31.2300],
                   [121.4706,31.2305],[121.4700,31.2305],[121.4700,31.2300]]]}}
                ]}""", "night-store.geojson");
        OfferRuleParser parser = new OfferRuleParser(fences, Duration.ofDays(3));
        List<String> rules = parser.parseRules("[" + rule("open", "\"trigger\":{\"type\":\"pass_by\"},"
                + "\"schedule\":{\"openingHoursOnly\":true}") + "]", "test").stream().map(OfferRuleChange::ruleJson).toList();
        OfferPolicy noQuietHours = new OfferPolicy(3, Duration.ofHours(4), null, null, Duration.ofMinutes(15),
                Duration.ofDays(7), Duration.ofSeconds(60));
        OfferEngine engine = new OfferEngine(parser, rules, noQuietHours, fences, Duration.ofDays(90));
        try (var harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                engine, OfferSignal::customerId, Types.STRING, OfferEngine.RULES)) {
            for (OfferSignal signal : List.of(membership(MEMBER, at - HOUR), passBy(NIGHT_STORE, at))) {
                harness.processElement(signal, signal.knownAt());
            }
            harness.watermark(Long.MAX_VALUE - 1);
            return harness.extractOutputValues();
        }
    }

    @Test
    void aStoreOpenAcrossMidnightIsOpenAtNight() throws Exception {
        // NOON is Saturday 12:00 in Shanghai; a pass-by is decided DELAY (3 min) after it.
        assertThat(passingTheNightStoreAt(NOON + 7 * HOUR)).as("Saturday 19:00").singleElement()
                .extracting(OfferDecision::outcome).isEqualTo(OfferDecision.SENT);
        assertThat(passingTheNightStoreAt(NOON + 13 * HOUR + 30 * MINUTE)).as("Sunday 01:30, Saturday's night")
                .singleElement().extracting(OfferDecision::outcome).isEqualTo(OfferDecision.SENT);
        assertThat(passingTheNightStoreAt(NOON + 14 * HOUR + 30 * MINUTE)).as("Sunday 02:30").isEmpty();
        assertThat(passingTheNightStoreAt(NOON + 5 * HOUR + 30 * MINUTE)).as("Saturday 17:30").isEmpty();
    }

    // ---- the customer's offer state expires in event time

    private static final Duration TTL = Duration.ofDays(90);
    private static final long TEN_YEARS = Duration.ofDays(3653).toMillis();

    /** The member joined at {@code joined}; it enters at NOON (an entry is decided when it happens). */
    private static List<String> enteringLongAfterJoining(long joined, long watermark) throws Exception {
        try (var harness = harness(rules(ENTER_RULE))) {
            OfferSignal enter = enter(STORE, NOON);
            harness.processElement(membership(MEMBER, joined), joined);
            harness.processElement(enter, enter.knownAt());
            harness.watermark(watermark);
            return outcomes(harness.extractOutputValues());
        }
    }

    /** Keyed state entries of the harness's heap backend (the broadcast harness does not count them itself). */
    private static int stateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Test
    void aCustomerWithoutSignalsForTheTtlInEventTimeIsForgotten() throws Exception {
        long decided = NOON;
        for (long end : new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
            assertThat(enteringLongAfterJoining(decided - TTL.toMillis() + 1, end)).containsExactly("welcome:sent");
            assertThat(enteringLongAfterJoining(decided - TTL.toMillis(), end)).as("no recipient left")
                    .containsExactly("welcome:suppressed_unreachable");
        }
        try (var harness = harness(rules(ENTER_RULE))) {
            harness.processElement(membership(MEMBER, NOON), NOON);
            harness.watermark(NOON + TTL.toMillis() - 1);
            assertThat(stateEntries(harness)).as("the customer's offer state, its expiry clock in it").isEqualTo(1);
            harness.watermark(NOON + TTL.toMillis());
            assertThat(stateEntries(harness)).isZero();
        }
    }

    @Test
    void yearsOfWallClockAndTheEndOfInputExpireNothing() throws Exception {
        try (var harness = harness(rules(ENTER_RULE))) {
            harness.processElement(membership(MEMBER, NOON - HOUR), NOON - HOUR);
            harness.watermark(NOON - HOUR);
            harness.setProcessingTime(TEN_YEARS);
            harness.setStateTtlProcessingTime(TEN_YEARS);
            OfferSignal enter = enter(STORE, NOON);
            harness.processElement(enter, enter.knownAt());
            harness.watermark(Long.MAX_VALUE);
            assertThat(outcomes(harness.extractOutputValues())).containsExactly("welcome:sent");
            assertThat(stateEntries(harness)).as("kept past the end of input").isPositive();
        }
    }

    @Test
    void aRestoredEngineKeepsThePendingExpiry() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(rules(ENTER_RULE))) {
            harness.processElement(membership(MEMBER, NOON), NOON);
            harness.watermark(NOON);
            snapshot = harness.snapshot(1, NOON);
        }
        try (var restored = unopened(rules(ENTER_RULE), null)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.watermark(NOON + TTL.toMillis() - 1);
            assertThat(stateEntries(restored)).isEqualTo(1);
            restored.watermark(NOON + TTL.toMillis());
            assertThat(stateEntries(restored)).isZero();
        }
    }

    // ---- the customer's state as one value, on either backend

    @Test
    void onRocksDbAndAcrossARestoreTheEngineDecidesAsOnTheHeap() throws Exception {
        List<String> rules = rules(ENTER_RULE,
                rule("passing", "\"trigger\":{\"type\":\"pass_by\"},\"caps\":{\"perCustomerPerDay\":1}"),
                rule("linger", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT10M\"}"),
                rule("left", "\"trigger\":{\"type\":\"visit_without_purchase\"}"),
                rule("vip", "\"trigger\":{\"type\":\"pass_by\"},"
                        + "\"audience\":{\"segments\":[\"vip\"],\"channels\":[\"app\"]}"));
        List<OfferSignal> signals = List.of(membership(MEMBER, NOON - HOUR), membership("user:u-1", NOON - HOUR),
                preference(true, List.of("vip"), NOON - HOUR), online(engagement("view", "sku-1", null, NOON - HOUR)),
                passBy("sh-002", NOON - 30 * MINUTE), enter(STORE, NOON), zoneEntry(FITTING_ROOM, NOON + MINUTE),
                passBy("sh-003", NOON + 5 * MINUTE), visit("sh-002", NOON - 20 * MINUTE, NOON - 10 * MINUTE),
                exit(STORE, NOON + 30 * MINUTE), purchase(STORE, "t-1", 5, NOON + 25 * MINUTE),
                passBy("sh-004", NOON + 6 * HOUR), purchase("sh-004", "t-2", 7, NOON + 6 * HOUR + MINUTE));
        List<OfferDecision> onHeap = decide(rules, signals.toArray(OfferSignal[]::new));

        List<OfferDecision> onRocksDb = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var harness = unopened(rules, new EmbeddedRocksDBStateBackend())) {
            harness.open();
            for (OfferSignal signal : signals) {
                harness.processElement(signal, signal.knownAt());
            }
            // Sent offers, caps, presences, a visit waiting for its grace and the signals still pending cross it.
            harness.watermark(NOON + 15 * MINUTE);
            onRocksDb.addAll(harness.extractOutputValues());
            snapshot = harness.snapshot(1, NOON + 15 * MINUTE);
        }
        try (var restored = unopened(rules, new EmbeddedRocksDBStateBackend())) {
            restored.initializeState(snapshot);
            restored.open();
            restored.watermark(Long.MAX_VALUE - 1);
            onRocksDb.addAll(restored.extractOutputValues());
        }
        assertThat(onRocksDb).isEqualTo(onHeap);
        assertThat(onHeap).extracting(OfferDecision::outcome).contains(OfferDecision.SENT, OfferDecision.SUPPRESSED_CAP,
                OfferDecision.REDEEMED);
        assertThat(outcomes(onHeap)).contains("vip:sent", "linger:suppressed_cap", "left:suppressed_cap");
    }

    /** The engine as it was before one value per customer: a map state of identifiers among a dozen. */
    private static final class EngineOfSeparateStates
            extends KeyedBroadcastProcessFunction<String, OfferSignal, OfferRuleChange, OfferDecision> {
        private transient MapState<String, Boolean> identifiers;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
            identifiers = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                    OfferEngine.SEPARATE_STATES_GUARD, Types.STRING, Types.BOOLEAN));
        }

        @Override
        public void processElement(OfferSignal signal, ReadOnlyContext ctx, Collector<OfferDecision> out)
                throws Exception {
            identifiers.put(signal.identifier(), true);
        }

        @Override
        public void processBroadcastElement(OfferRuleChange change, Context ctx, Collector<OfferDecision> out) {}
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointOfTheEarlierStateLayoutIsRefusedNotStartedAfresh(String backend) throws Exception {
        StateBackend stateBackend = EarlierStateLayouts.backend(backend);
        OperatorSubtaskState snapshot;
        try (var old = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new EngineOfSeparateStates(), List.of(OfferEngine.RULES)),
                OfferSignal::customerId, Types.STRING, 1, 1, 0)) {
            old.setStateBackend(stateBackend);
            old.open();
            old.processElement(membership(MEMBER, NOON), NOON);
            snapshot = old.snapshot(1, NOON);
        }
        try (var restored = unopened(rules(ENTER_RULE), stateBackend)) {
            restored.initializeState(snapshot);
            // An opt-out forgotten silently would send offers to someone who refused them.
            EarlierStateLayouts.assertRefused(restored::open);
        }
    }
}
