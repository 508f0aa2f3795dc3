package io.o2o.analytics.journeys;

import static io.o2o.analytics.journeys.JourneyFixtures.DAY;
import static io.o2o.analytics.journeys.JourneyFixtures.GRACE;
import static io.o2o.analytics.journeys.JourneyFixtures.HOUR;
import static io.o2o.analytics.journeys.JourneyFixtures.MINUTE;
import static io.o2o.analytics.journeys.JourneyFixtures.SATURDAY_TEN;
import static io.o2o.analytics.journeys.JourneyFixtures.WINDOW;
import static io.o2o.analytics.journeys.JourneyFixtures.online;
import static io.o2o.analytics.journeys.JourneyFixtures.purchase;
import static io.o2o.analytics.journeys.JourneyFixtures.view;
import static io.o2o.analytics.journeys.JourneyFixtures.visit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.o2o.analytics.testing.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The journey stage on a MiniCluster at parallelism 2: one made-up customer per case, all in one run, each
 * case at an edge of the rules (the window, the purchase grace, the order the engine learnt things in).
 */
class CustomerJourneysITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(4);

    private static final long WEEK = WINDOW.toMillis();
    private static final Duration ENGAGEMENT_WINDOW = Duration.ofDays(3);
    private static final long ENTER = SATURDAY_TEN + 8 * DAY;
    private static final long EXIT = ENTER + 20 * MINUTE;

    private static final List<CustomerActivity> INPUT = new ArrayList<>();
    private static Map<String, List<O2oConversion>> byCustomer;

    private static void of(String customer, CustomerActivity activity) {
        INPUT.add(activity.attributedTo(customer, activity.knownAt()));
    }

    private static void learntLate(String customer, CustomerActivity activity, long knownAt) {
        INPUT.add(activity.attributedTo(customer, knownAt));
    }

    @BeforeAll
    static void runTheJourneys() throws Exception {
        // Engaged two days before, bought during the visit and again within the grace, not in another store.
        of("c-buyer", view("u-buyer", "wechat", ENTER - 2 * DAY));
        of("c-buyer", purchase("t-1", "m-buyer", "sh-001", 100.0, ENTER + 10 * MINUTE));
        of("c-buyer", purchase("t-2", "m-buyer", "sh-001", 50.5, EXIT + GRACE.toMillis()));
        of("c-buyer", purchase("t-3", "m-buyer", "sh-001", 7.0, EXIT + GRACE.toMillis() + 1));
        of("c-buyer", purchase("t-4", "m-buyer", "sh-002", 9.0, ENTER + 15 * MINUTE));
        of("c-buyer", visit("d-buyer", "sh-001", ENTER, EXIT));

        // Exactly the window before entry counts; a millisecond more does not.
        of("c-week", view("u-week", "app", ENTER - WEEK));
        of("c-week", visit("d-week", "sh-001", ENTER, EXIT));
        of("c-too-early", view("u-early", "app", ENTER - WEEK - 1));
        of("c-too-early", visit("d-early", "sh-001", ENTER, EXIT));

        // Browsing the app inside the store did not bring them there.
        of("c-inside", view("u-inside", "app", ENTER + MINUTE));
        of("c-inside", visit("d-inside", "sh-001", ENTER, EXIT));

        // Several touches: the latest before entry is attributed; a login or order is no engagement.
        of("c-touches", view("u-touches", "web", ENTER - 3 * DAY));
        of("c-touches", online("u-touches", "app", "cart", ENTER - 2 * HOUR));
        of("c-touches", online("u-touches", "weibo", "coupon_claim", ENTER - HOUR));
        of("c-touches", online("u-touches", "wechat", "login", ENTER - 30 * MINUTE));
        of("c-touches", visit("d-touches", "sh-001", ENTER, EXIT));

        // The browser was linked to the phone an hour after the visit was decided.
        of("c-late-link", visit("d-late", "sh-001", ENTER, EXIT));
        learntLate("c-late-link", view("u-late", "mini_program", ENTER - DAY), EXIT + HOUR);

        // One engagement brings the customer twice: each visit is a conversion.
        of("c-twice", view("u-twice", "app", ENTER - HOUR));
        of("c-twice", visit("d-twice", "sh-001", ENTER, EXIT));
        of("c-twice", visit("d-twice", "sh-002", ENTER + DAY, EXIT + DAY));

        // Two engagements both learnt after the visit: both count, the later one is attributed.
        of("c-late-touches", visit("d-late-touches", "sh-001", ENTER, EXIT));
        learntLate("c-late-touches", view("u-late-touches", "web", ENTER - 2 * DAY), EXIT + 5 * MINUTE);
        learntLate("c-late-touches", online("u-late-touches", "app", "cart", ENTER - DAY), EXIT + 5 * MINUTE);

        // Came in, left, shopped online the next day; and one whose online activity came too late.
        of("c-back-online", visit("d-back", "sh-003", ENTER, EXIT));
        of("c-back-online", online("u-back", "app", "order", EXIT + DAY));
        of("c-back-online", view("u-back", "app", EXIT + DAY + MINUTE));
        of("c-gone", visit("d-gone", "sh-003", ENTER, EXIT));
        of("c-gone", view("u-gone", "app", EXIT + WEEK + 1));

        // A customer merged into an older one: its activities arrive again as the survivor's.
        of("c-absorbed", view("u-merged", "app", ENTER - DAY));
        of("c-absorbed", visit("d-merged", "sh-004", ENTER, EXIT));
        learntLate("c-survivor", view("u-merged", "app", ENTER - DAY), EXIT + 2 * HOUR);
        learntLate("c-survivor", visit("d-merged", "sh-004", ENTER, EXIT), EXIT + 2 * HOUR);

        INPUT.sort(Comparator.comparingLong(CustomerActivity::knownAt));
        StreamExecutionEnvironment env = TestClusters.environment();
        env.setParallelism(2);
        var activities = env.fromData(INPUT).assignTimestampsAndWatermarks(WatermarkStrategy
                .<CustomerActivity>forMonotonousTimestamps()
                .withTimestampAssigner((activity, ignored) -> activity.knownAt()));
        List<O2oConversion> conversions = new ArrayList<>();
        CustomerJourneys.conversions(CustomerJourneys.matches(activities, WINDOW, ENGAGEMENT_WINDOW), activities, WINDOW,
                GRACE).executeAndCollect().forEachRemaining(conversions::add);
        byCustomer = conversions.stream().collect(Collectors.groupingBy(O2oConversion::customerId, TreeMap::new,
                Collectors.toList()));
    }

    private static O2oConversion onlyConversionOf(String customer) {
        assertThat(byCustomer.get(customer)).as(customer).hasSize(1);
        return byCustomer.get(customer).get(0);
    }

    @Test
    void anEngagedVisitorWhoBoughtIsAConversionWithThePurchasesOfThatStoreWithinTheGrace() {
        O2oConversion conversion = onlyConversionOf("c-buyer");
        assertThat(conversion.direction()).isEqualTo(JourneyMatch.ONLINE_TO_STORE);
        assertThat(conversion.channel()).isEqualTo("wechat");
        assertThat(conversion.storeId()).isEqualTo("sh-001");
        assertThat(conversion.onlineToVisitMillis()).isEqualTo(2 * DAY);
        assertThat(conversion.purchases()).isEqualTo(2);
        assertThat(conversion.amount()).isEqualTo(150.5);
        assertThat(conversion.txId()).isEqualTo("t-1");
        assertThat(conversion.visitToPurchaseMillis()).isEqualTo(10 * MINUTE);
        assertThat(conversion.decidedAt()).isEqualTo(EXIT + GRACE.toMillis());
    }

    @Test
    void theWindowIncludesItsEdgeAndNothingBeyond() {
        assertThat(onlyConversionOf("c-week").onlineToVisitMillis()).isEqualTo(WEEK);
        assertThat(byCustomer).doesNotContainKey("c-too-early");
    }

    @Test
    void onlineActivityDuringTheVisitDidNotBringTheCustomer() {
        assertThat(byCustomer).doesNotContainKey("c-inside");
    }

    @Test
    void theLatestEngagementIsAttributedAndEveryTouchCounted() {
        O2oConversion conversion = onlyConversionOf("c-touches");
        assertThat(conversion.channel()).isEqualTo("weibo");
        assertThat(conversion.onlineAction()).isEqualTo("coupon_claim");
        assertThat(conversion.touches()).isEqualTo(3);
        assertThat(conversion.amount()).isNull();
    }

    @Test
    void anEngagementLinkedAfterTheVisitStillConverts() {
        O2oConversion conversion = onlyConversionOf("c-late-link");
        assertThat(conversion.channel()).isEqualTo("mini_program");
        assertThat(conversion.onlineToVisitMillis()).isEqualTo(DAY);
        assertThat(conversion.decidedAt()).as("decided when the link made it known").isEqualTo(EXIT + HOUR);
    }

    @Test
    void anEngagementCountsForEveryVisitItMayHaveBroughtWithinTheWindow() {
        assertThat(byCustomer.get("c-twice")).extracting(O2oConversion::storeId, O2oConversion::onlineToVisitMillis)
                .containsExactlyInAnyOrder(tuple("sh-001", HOUR), tuple("sh-002", HOUR + DAY));
    }

    @Test
    void everyEngagementLearntAfterTheVisitCountsAndTheLatestIsAttributed() {
        O2oConversion conversion = onlyConversionOf("c-late-touches");
        assertThat(conversion.touches()).isEqualTo(2);
        assertThat(conversion.channel()).isEqualTo("app");
        assertThat(conversion.onlineToVisitMillis()).isEqualTo(DAY);
    }

    @Test
    void aVisitFollowedOnlineWithinTheWindowIsStoreToOnline() {
        O2oConversion conversion = onlyConversionOf("c-back-online");
        assertThat(conversion.direction()).isEqualTo(JourneyMatch.STORE_TO_ONLINE);
        assertThat(conversion.onlineAction()).isEqualTo("order");
        assertThat(conversion.storeToOnlineMillis()).isEqualTo(DAY);
        assertThat(conversion.storeId()).isEqualTo("sh-003");
        assertThat(byCustomer).doesNotContainKey("c-gone");
    }

    @Test
    void aJourneyDecidedBeforeAMergeIsNotDecidedAgainForTheSurvivor() {
        assertThat(onlyConversionOf("c-absorbed").decidedAt()).isEqualTo(EXIT + GRACE.toMillis());
        assertThat(byCustomer).doesNotContainKey("c-survivor");
    }

    @Test
    void everyConversionIdIsUnique() {
        List<String> ids = byCustomer.values().stream().flatMap(List::stream).map(O2oConversion::conversionId).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(9);
    }
}
