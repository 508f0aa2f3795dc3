package io.o2o.analytics.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The journey matcher finds exactly what the four Flink CEP patterns the job ran before it found
 * ({@link JourneyPatterns}, the oracle): the same matches, with the same timestamps, in the same order per customer
 * and pattern, whatever the activities, their times (ties included), their arrival order (late ones included) and
 * the watermarks, and across a snapshot and restore of the matcher. Each try sends a few customers' activities of
 * random kinds and times to the matcher and to each CEP pattern behind the filter the job had in front of it, with
 * windows of a few dozen milliseconds so that the histories run past them.
 */
class JourneyMatcherEquivalenceTest {
    private static final Duration WINDOW = Duration.ofMillis(40);
    private static final Duration ENGAGEMENT_WINDOW = Duration.ofMillis(15);
    private static final List<String> CUSTOMERS = List.of("c-1", "c-2", "c-3");
    private static final List<String> ACTIONS = List.of("view", "cart", "coupon_claim", "order");
    private static final int KINDS = ACTIONS.size() + 5;

    /** One thing that happens to the operators. */
    sealed interface Step permits Arrival, Advance, Restore {}

    /**
     * An activity arrives. The history's clock moves on by {@code advance}; the activity is known {@code jitter}
     * before that (out of order, or behind the watermark), happened {@code lag} before it is known, and is the same
     * as an earlier one of the customer ({@code again}), to the millisecond or known anew.
     */
    record Arrival(int customer, int kind, int advance, int jitter, int lag, int dwell, int id, boolean again)
            implements Step {}

    /** The watermark moves to {@code behind} before the history's clock, unless it is there already. */
    record Advance(int behind) implements Step {}

    /** The matcher is snapshotted and restored into a new instance (the CEP operators go on). */
    record Restore() implements Step {}

    // A fixed seed: the same histories on every run and machine; change it to explore others.
    @Property(tries = 1000, seed = "20261208")
    @StatisticsReport(onFailureOnly = true)
    void theMatcherMatchesWhatTheCepPatternsMatched(@ForAll("histories") List<Step> history,
            @ForAll boolean drainedAtTheEnd) throws Exception {
        try (Run run = new Run()) {
            run.play(history, drainedAtTheEnd);
            // The histories reach the rare paths too: a store journey held behind an earlier run, and any match.
            Statistics.label("store journey let out after its online activity")
                    .collect(run.storeJourneyLetOutLater())
                    .coverage(coverage -> coverage.check(true).count(count -> count >= 20));
            Statistics.label("activities behind the watermark").collect(run.late > 0)
                    .coverage(coverage -> coverage.check(true).percentage(share -> share >= 10));
            Statistics.label("matches").collect(run.matchCount() > 0)
                    .coverage(coverage -> coverage.check(true).percentage(share -> share >= 70));
            run.assertSameMatches();
            if (drainedAtTheEnd) {
                run.assertNothingLeft();
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> arrival = Combinators.combine(
                        Arbitraries.integers().between(0, CUSTOMERS.size() - 1),
                        Arbitraries.integers().between(0, KINDS - 1),
                        Arbitraries.integers().between(0, 12),
                        Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                                Tuple.of(1, Arbitraries.integers().between(1, 30))),
                        Arbitraries.integers().between(0, 60),
                        Arbitraries.integers().between(0, 50),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.frequencyOf(
                                Tuple.of(6, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))))
                .as(Arrival::new);
        Arbitrary<Step> advance = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
                Tuple.of(5, Arbitraries.integers().between(1, 40))).map(Advance::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(12, arrival), Tuple.of(4, advance), Tuple.of(1, Arbitraries.just(new Restore())))
                .list().ofMinSize(5).ofMaxSize(90).withSizeDistribution(RandomDistribution.uniform());
    }

    /** The matcher and the four CEP operators, fed the same history. */
    private static final class Run implements AutoCloseable {
        private final Harness engagementThenVisit =
                cep(JourneyPatterns.engagementThenVisit(WINDOW), JourneyMatch.ONLINE_TO_STORE);
        private final Harness visitThenEngagement =
                cep(JourneyPatterns.visitThenEarlierEngagement(WINDOW), JourneyMatch.ONLINE_TO_STORE);
        private final Harness storeThenOnline =
                cep(JourneyPatterns.storeThenOnline(WINDOW), JourneyMatch.STORE_TO_ONLINE);
        private final Harness engagementThenNear =
                cep(JourneyPatterns.engagementThenNearStore(ENGAGEMENT_WINDOW), JourneyMatch.ENGAGED_THEN_NEAR);
        private Harness matcher = matcher(null);

        /** What the matcher's earlier instances emitted, before they were snapshotted. */
        private final List<StreamRecord<? extends JourneyMatch>> journeys = new ArrayList<>();
        private final List<StreamRecord<? extends JourneyMatch>> engagedThenNear = new ArrayList<>();
        private final Map<String, List<CustomerActivity>> sent = new HashMap<>();
        private long clock = 1;
        private long watermark = Long.MIN_VALUE;
        private long checkpoint;
        private int late;

        Run() throws Exception {}

        void play(List<Step> history, boolean drainedAtTheEnd) throws Exception {
            for (Step step : history) {
                if (step instanceof Arrival arrival) {
                    arrive(arrival);
                } else if (step instanceof Advance advance) {
                    if (clock - advance.behind() > watermark) {
                        watermark(clock - advance.behind());
                    }
                } else {
                    restore();
                }
            }
            if (drainedAtTheEnd) {
                watermark(Long.MAX_VALUE);
            }
            collectMatcherOutput();
        }

        private void collectMatcherOutput() {
            journeys.addAll(matcher.extractOutputStreamRecords());
            if (matcher.getSideOutput(JourneyMatcher.ENGAGED_THEN_NEAR) != null) {
                engagedThenNear.addAll(matcher.getSideOutput(JourneyMatcher.ENGAGED_THEN_NEAR));
            }
        }

        private void arrive(Arrival arrival) throws Exception {
            clock += arrival.advance();
            long knownAt = Math.max(1, clock - arrival.jitter());
            String customer = CUSTOMERS.get(arrival.customer());
            List<CustomerActivity> earlier = sent.computeIfAbsent(customer, c -> new ArrayList<>());
            CustomerActivity activity;
            if (arrival.again() && !earlier.isEmpty()) {
                CustomerActivity copy = earlier.get(arrival.id() % earlier.size());
                activity = arrival.dwell() % 2 == 0 ? copy : copy.knownFrom(knownAt);
            } else {
                activity = activity(customer, arrival.kind(), knownAt - arrival.lag(), knownAt, arrival.dwell(),
                        arrival.id());
            }
            earlier.add(activity);
            long at = activity.knownAt();
            if (at <= watermark) {
                late++;
            }
            if (JourneyMatcher.takesPart(activity)) {
                matcher.processElement(activity, at);
            }
            // What the job filtered in front of each CEP operator.
            if (activity.isEngagement() || activity.isVisit()) {
                engagementThenVisit.processElement(activity, at);
                visitThenEngagement.processElement(activity, at);
            }
            if (activity.isJourneyStep()) {
                storeThenOnline.processElement(activity, at);
            }
            if (activity.isEngagement() || activity.isNearStore()) {
                engagementThenNear.processElement(activity, at);
            }
        }

        private void watermark(long at) throws Exception {
            watermark = at;
            for (var harness : List.of(matcher, engagementThenVisit, visitThenEngagement, storeThenOnline,
                    engagementThenNear)) {
                harness.processWatermark(new Watermark(at));
            }
        }

        private void restore() throws Exception {
            OperatorSubtaskState snapshot = matcher.snapshot(++checkpoint, checkpoint);
            collectMatcherOutput();
            matcher.close();
            matcher = matcher(snapshot);
            // A restored operator starts without a watermark; its inputs send theirs again before anything else.
            if (watermark != Long.MIN_VALUE) {
                matcher.processWatermark(new Watermark(watermark));
            }
        }

        void assertSameMatches() {
            Predicate<JourneyMatch> learntBeforeTheVisit = m -> m.direction().equals(JourneyMatch.ONLINE_TO_STORE)
                    && m.online().knownAt() <= m.offline().knownAt();
            Predicate<JourneyMatch> learntAfterTheVisit = m -> m.direction().equals(JourneyMatch.ONLINE_TO_STORE)
                    && m.online().knownAt() > m.offline().knownAt();
            assertThat(perCustomer(journeys, learntBeforeTheVisit)).as("engagement then visit")
                    .isEqualTo(perCustomer(engagementThenVisit.extractOutputStreamRecords(), m -> true));
            assertThat(perCustomer(journeys, learntAfterTheVisit)).as("visit then earlier engagement")
                    .isEqualTo(perCustomer(visitThenEngagement.extractOutputStreamRecords(), m -> true));
            assertThat(perCustomer(journeys, m -> m.direction().equals(JourneyMatch.STORE_TO_ONLINE)))
                    .as("store then online")
                    .isEqualTo(perCustomer(storeThenOnline.extractOutputStreamRecords(), m -> true));
            assertThat(journeys).extracting(r -> r.getValue().direction())
                    .doesNotContain(JourneyMatch.ENGAGED_THEN_NEAR);
            assertThat(perCustomer(engagedThenNear, m -> true)).as("engagement then near store")
                    .isEqualTo(perCustomer(engagementThenNear.extractOutputStreamRecords(), m -> true));
        }

        void assertNothingLeft() {
            assertThat(matcher.numKeyedStateEntries()).as("keyed state left").isZero();
            assertThat(matcher.numEventTimeTimers()).as("timers left").isZero();
        }

        int matchCount() {
            return journeys.size() + engagedThenNear.size();
        }

        /** Whether a store-to-online journey came out later than its online activity: held behind an open run. */
        boolean storeJourneyLetOutLater() {
            return journeys.stream().anyMatch(r -> r.getValue().direction().equals(JourneyMatch.STORE_TO_ONLINE)
                    && r.getTimestamp() != r.getValue().online().knownAt());
        }

        @Override
        public void close() throws Exception {
            for (var harness : List.of(matcher, engagementThenVisit, visitThenEngagement, storeThenOnline,
                    engagementThenNear)) {
                harness.close();
            }
        }
    }

    /** An operator over customers' activities, keyed by customer, in a test harness that refuses Kryo. */
    private static final class Harness
            extends KeyedOneInputStreamOperatorTestHarness<String, CustomerActivity, JourneyMatch> {
        Harness(OneInputStreamOperator<CustomerActivity, JourneyMatch> operator) throws Exception {
            super(operator, CustomerActivity::customerId, Types.STRING);
            ((SerializerConfigImpl) getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        }
    }

    /** A match with the timestamp it was emitted at. */
    record Emitted(JourneyMatch match, long timestamp) {}

    private static Map<String, List<Emitted>> perCustomer(
            Iterable<? extends StreamRecord<? extends JourneyMatch>> records, Predicate<JourneyMatch> which) {
        Map<String, List<Emitted>> byCustomer = new LinkedHashMap<>();
        CUSTOMERS.forEach(customer -> byCustomer.put(customer, new ArrayList<>()));
        for (StreamRecord<? extends JourneyMatch> record : records) {
            if (which.test(record.getValue())) {
                byCustomer.get(record.getValue().customerId())
                        .add(new Emitted(record.getValue(), record.getTimestamp()));
            }
        }
        return byCustomer;
    }

    /**
     * An activity of the customer, known at {@code knownAt}. Ids come from a small set per kind, so that activities
     * at the same time often tie on the order of equal timestamps (time, kind, id) and then go by arrival.
     */
    private static CustomerActivity activity(String customer, int kind, long ts, long knownAt, int dwell, int id) {
        String store = "sh-00" + (id % 2 + 1);
        if (kind < ACTIONS.size()) {
            String action = ACTIONS.get(kind);
            String named = id == 3 ? store : null;
            return new CustomerActivity(CustomerActivity.ONLINE, "online:" + id, "user:u-" + customer, customer, ts,
                    knownAt, "app", action, "sku-" + id, named, null, null, null, null, null, null, null);
        }
        return switch (kind - ACTIONS.size()) {
            case 0 -> new CustomerActivity(CustomerActivity.VISIT, "visit:" + id, "device:d-" + customer, customer, ts,
                    knownAt, null, null, null, store, null, ts + dwell, (long) dwell, null, null, null, null);
            case 1 -> new CustomerActivity(CustomerActivity.PURCHASE, "pos:" + id, "member:m-" + customer, customer, ts,
                    knownAt, null, null, null, store, null, null, null, "t-" + id, 10.0 + dwell, List.of(), null);
            case 2 -> new CustomerActivity(CustomerActivity.ZONE_VISIT, "zone:" + id, "device:d-" + customer, customer,
                    ts, knownAt, null, null, null, store, store + "-aisle", ts + dwell, (long) dwell, null, null, null,
                    null);
            case 3 -> new CustomerActivity(CustomerActivity.ENTER, "enter:" + id, "device:d-" + customer, customer, ts,
                    knownAt, null, null, null, store, null, null, null, null, null, null, null);
            default -> new CustomerActivity(CustomerActivity.PASS_BY, "pass-by:" + id, "device:d-" + customer,
                    customer, ts, knownAt, null, null, null, store, null, null, null, null, null, null, null);
        };
    }

    private static Harness matcher(OperatorSubtaskState restoredFrom) throws Exception {
        var harness = new Harness(new KeyedProcessOperator<>(new JourneyMatcher(WINDOW, ENGAGEMENT_WINDOW)));
        harness.setup();
        if (restoredFrom != null) {
            harness.initializeState(restoredFrom);
        }
        harness.open();
        return harness;
    }

    /** The CEP operator the job built with {@code CEP.pattern(keyed, pattern, ORDER).process(...)}. */
    private static Harness cep(Pattern<CustomerActivity, ?> pattern, String direction) {
        try {
            TypeSerializer<CustomerActivity> serializer =
                    TypeInformation.of(CustomerActivity.class).createSerializer(noGenericTypes());
            var harness = new Harness(new CepOperator<>(serializer, false, NFACompiler.compileFactory(pattern, false),
                    JourneyPatterns.ORDER, pattern.getAfterMatchSkipStrategy(),
                    new JourneyPatterns.ToJourneyMatch(direction), null));
            harness.open();
            return harness;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SerializerConfigImpl noGenericTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return config;
    }
}
