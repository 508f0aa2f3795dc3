package io.o2o.analytics.journeys;

import static io.o2o.analytics.journeys.JourneyFixtures.DAY;
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

import java.time.Duration;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The journey matcher in an operator harness: a journey across a restore, the store journey that waits behind an
 * earlier run, late activities, and the state it leaves. That it matches what Flink CEP matched is
 * {@link JourneyMatcherEquivalenceTest}'s.
 */
class JourneyMatcherTest {
    private static final Duration ENGAGEMENT_WINDOW = Duration.ofDays(3);
    private static final String CUSTOMER = "c-1";
    private static final long ENGAGED = SATURDAY_TEN;
    private static final long ENTERED = SATURDAY_TEN + DAY;
    private static final long EXITED = ENTERED + 20 * MINUTE;
    /** Twice the window: the reach of a journey's first activity, as CEP's {@code within}. */
    private static final long REACH = 2 * WINDOW.toMillis();

    /** With RocksDB, as the job runs it: a state value changed but not written back would be lost. */
    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerActivity, JourneyMatch> harness(
            OperatorSubtaskState restoredFrom) throws Exception {
        return harness(restoredFrom, true);
    }

    /** On the heap, where the harness counts what keyed state is left. */
    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerActivity, JourneyMatch> onHeap()
            throws Exception {
        return harness(null, false);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CustomerActivity, JourneyMatch> harness(
            OperatorSubtaskState restoredFrom, boolean rocksDb) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new JourneyMatcher(WINDOW, ENGAGEMENT_WINDOW)),
                CustomerActivity::customerId, Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.setup();
        if (restoredFrom != null) {
            harness.initializeState(restoredFrom);
        }
        harness.open();
        return harness;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, CustomerActivity, JourneyMatch> harness,
            CustomerActivity activity, long knownAt) throws Exception {
        harness.processElement(activity.attributedTo(CUSTOMER, knownAt), knownAt);
    }

    @Test
    void itsStateIsAPojoFlinkSerialisesWithoutKryo() {
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        TypeInformation<OpenJourneys> type = TypeInformation.of(OpenJourneys.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(type.createSerializer(noGenericTypes)).isNotNull();
    }

    @Test
    void anEngagementBeforeARestoreMeetsTheVisitAfterIt() throws Exception {
        CustomerActivity visit = visit("d-1", "sh-001", ENTERED, EXITED);
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            send(h, view("u-1", "app", ENGAGED), ENGAGED);
            h.processWatermark(new Watermark(ENGAGED + HOUR));
            snapshot = h.snapshot(1, ENGAGED + HOUR);
        }
        try (var h = harness(snapshot)) {
            send(h, visit, visit.knownAt());
            send(h, purchase("t-1", "m-1", "sh-001", 12.0, EXITED + MINUTE), EXITED + MINUTE);
            h.processWatermark(new Watermark(EXITED + HOUR));
            assertThat(h.extractOutputStreamRecords())
                    .extracting(r -> r.getValue().direction(), r -> r.getValue().online().ts(), r -> r.getTimestamp())
                    .containsExactly(tuple(JourneyMatch.ONLINE_TO_STORE, ENGAGED, visit.knownAt()));
        }
    }

    @Test
    void aStoreJourneyWaitsBehindAnEarlierOpenRunAndComesOutWhenItTimesOut() throws Exception {
        long bought = ENTERED + 25 * MINUTE;
        long merged = ENTERED + HOUR;
        try (var h = harness(null)) {
            // A purchase; then a merge brings a visit that ended before it and browsing between the two.
            send(h, purchase("t-1", "m-1", "sh-001", 12.0, bought), bought);
            send(h, visit("d-1", "sh-002", ENTERED, EXITED), merged);
            send(h, online("u-1", "app", "order", EXITED + MINUTE), merged);
            h.processWatermark(new Watermark(merged + DAY));
            assertThat(h.extractOutputValues()).as("the browsing came before the purchase's run could close").isEmpty();

            // The purchase's run times out twice the window after it: the watermark past that stamps the journey.
            long passed = bought + REACH + 5 * MINUTE;
            h.processWatermark(new Watermark(passed));
            assertThat(h.extractOutputStreamRecords())
                    .extracting(r -> r.getValue().direction(), r -> r.getValue().offline().storeId(),
                            r -> r.getTimestamp())
                    .containsExactly(tuple(JourneyMatch.STORE_TO_ONLINE, "sh-002", passed));
        }
    }

    @Test
    void aJourneyOfAnEarlierRunDropsTheOneWaitingBehindIt() throws Exception {
        long bought = ENTERED + 25 * MINUTE;
        long merged = ENTERED + HOUR;
        long browsed = ENTERED + 2 * HOUR;
        try (var h = harness(null)) {
            send(h, purchase("t-1", "m-1", "sh-001", 12.0, bought), bought);
            send(h, visit("d-1", "sh-002", ENTERED, EXITED), merged);
            send(h, online("u-1", "app", "order", EXITED + MINUTE), merged);
            send(h, view("u-1", "app", browsed), browsed);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .extracting(JourneyMatch::direction, m -> m.offline().storeId(), m -> m.online().ts())
                    .containsExactly(tuple(JourneyMatch.STORE_TO_ONLINE, "sh-001", browsed));
        }
    }

    @Test
    void anActivityBehindTheWatermarkIsDropped() throws Exception {
        CustomerActivity visit = visit("d-1", "sh-001", ENTERED, EXITED);
        try (var h = harness(null)) {
            send(h, view("u-1", "app", ENGAGED), ENGAGED);
            h.processWatermark(new Watermark(visit.knownAt()));
            send(h, visit, visit.knownAt());
            h.processWatermark(new Watermark(visit.knownAt() + HOUR));
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void nothingIsLeftOnceEveryActivityIsPastItsReach() throws Exception {
        CustomerActivity visit = visit("d-1", "sh-001", ENTERED, EXITED);
        try (var h = onHeap()) {
            send(h, view("u-1", "app", ENGAGED), ENGAGED);
            send(h, visit, visit.knownAt());
            send(h, purchase("t-1", "m-1", "sh-001", 12.0, EXITED + MINUTE), EXITED + MINUTE);
            h.processWatermark(new Watermark(visit.knownAt() + REACH - 1));
            assertThat(h.numKeyedStateEntries()).as("the visit can still pair").isPositive();
            h.processWatermark(new Watermark(visit.knownAt() + REACH));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.extractOutputValues()).extracting(JourneyMatch::direction)
                    .containsExactly(JourneyMatch.ONLINE_TO_STORE);
        }
    }
}
