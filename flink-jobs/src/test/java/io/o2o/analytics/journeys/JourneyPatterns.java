package io.o2o.analytics.journeys;

import java.io.Serializable;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.util.Collector;

/**
 * The O2O journeys and geo-offers' engaged-then-near pair as the Flink CEP patterns the job ran them with before the
 * {@link JourneyMatcher}: the oracle {@code JourneyMatcherEquivalenceTest} holds the matcher to. Activities arrive
 * in the order the engine learnt them ({@link CustomerActivity#knownAt}); what happened when is judged on the
 * activities' own times.
 *
 * <ul>
 *   <li>{@link #engagementThenVisit}: an engagement known before a visit, made at most {@code window} before
 *       the visit's entry. Every such pair matches; the conversion takes the latest engagement.
 *   <li>{@link #visitThenEarlierEngagement}: the same journey when the engagement became the customer's only after
 *       the visit was decided (the browser was linked to the phone later, at a till or a login).
 *   <li>{@link #storeThenOnline}: a visit or purchase followed, within {@code window} of its end, by online
 *       activity; one match per run of store activity (the pattern skips past each match).
 *   <li>{@link #engagementThenNearStore}: an engagement, then entering or passing a store within {@code window}.
 * </ul>
 *
 * <p>The patterns' CEP window is twice the journey window: an activity sent again when its identifier joins
 * a customer is known up to a window after it happened, and the exact rule is in the conditions.
 */
public final class JourneyPatterns {
    private JourneyPatterns() {}

    public static final String ENGAGEMENT = "engagement";
    public static final String VISIT = "visit";
    public static final String STORE = "store";
    public static final String ONLINE = "online";
    public static final String NEAR = "near";

    /** Equal knownAt: by when it happened, then kind, then id, so that ties never depend on arrival. */
    public static final EventComparator<CustomerActivity> ORDER = new ActivityOrder();

    public static Pattern<CustomerActivity, ?> engagementThenVisit(Duration window) {
        long windowMillis = window.toMillis();
        return pair(ENGAGEMENT, CustomerActivity::isEngagement, VISIT, CustomerActivity::isVisit,
                (engagement, visit) -> engagedBefore(engagement, visit, windowMillis), true, window);
    }

    public static Pattern<CustomerActivity, ?> visitThenEarlierEngagement(Duration window) {
        long windowMillis = window.toMillis();
        return pair(VISIT, CustomerActivity::isVisit, ENGAGEMENT, CustomerActivity::isEngagement,
                (visit, engagement) -> engagedBefore(engagement, visit, windowMillis), true, window);
    }

    public static Pattern<CustomerActivity, ?> storeThenOnline(Duration window) {
        long windowMillis = window.toMillis();
        return pair(STORE, activity -> activity.isVisit() || activity.isPurchase(), ONLINE,
                CustomerActivity::isOnlineActivity,
                (store, online) -> online.ts() > store.endedAt() && online.ts() - store.endedAt() <= windowMillis,
                false, window);
    }

    /**
     * An online engagement, then a near-store moment (entering or passing by) within {@code window}: what a
     * geo-offer for a product someone browsed waits for. Every engagement pairs with every later moment; which
     * of them a rule wants (its actions, products, store and own window) the offer engine decides.
     */
    public static Pattern<CustomerActivity, ?> engagementThenNearStore(Duration window) {
        long windowMillis = window.toMillis();
        return pair(ENGAGEMENT, CustomerActivity::isEngagement, NEAR, CustomerActivity::isNearStore,
                (engagement, near) -> near.ts() >= engagement.ts() && near.ts() - engagement.ts() <= windowMillis,
                true, window);
    }

    /** A rule over the two activities of a pair, first and then second in the order they became known. */
    @FunctionalInterface
    interface PairRule extends Serializable {
        boolean holds(CustomerActivity first, CustomerActivity second);
    }

    /**
     * {@code first} followed (not necessarily next) by {@code second}, the pair obeying {@code rule}.
     *
     * @param everyPair whether each {@code first} pairs with every {@code second} after it (CEP's
     *     {@code followedByAny}, no skip: every engagement with every visit it may have brought), or only with
     *     the first one, skipping past the match (one store-to-online journey per run of store activity)
     */
    private static Pattern<CustomerActivity, ?> pair(String first, FilterFunction<CustomerActivity> isFirst,
            String second, FilterFunction<CustomerActivity> isSecond, PairRule rule, boolean everyPair,
            Duration window) {
        Pattern<CustomerActivity, CustomerActivity> start = Pattern.<CustomerActivity>begin(
                        first, everyPair ? AfterMatchSkipStrategy.noSkip() : AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(isFirst));
        return (everyPair ? start.followedByAny(second) : start.followedBy(second))
                .where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(CustomerActivity candidate, Context<CustomerActivity> ctx) throws Exception {
                        return isSecond.filter(candidate)
                                && rule.holds(ctx.getEventsForPattern(first).iterator().next(), candidate);
                    }
                })
                .within(window.multipliedBy(2));
    }

    /** The engagement happened before the visit began, and at most the window before. */
    static boolean engagedBefore(CustomerActivity engagement, CustomerActivity visit, long windowMillis) {
        long lead = visit.ts() - engagement.ts();
        return lead > 0 && lead <= windowMillis;
    }

    /** Turns a match of any of the patterns into a {@link JourneyMatch}, as the matcher emits it. */
    public static final class ToJourneyMatch extends PatternProcessFunction<CustomerActivity, JourneyMatch> {
        private static final long serialVersionUID = 1L;

        private final String direction;

        public ToJourneyMatch(String direction) {
            this.direction = direction;
        }

        @Override
        public void processMatch(Map<String, List<CustomerActivity>> match, Context ctx, Collector<JourneyMatch> out) {
            CustomerActivity online = first(match, direction.equals(JourneyMatch.STORE_TO_ONLINE) ? ONLINE : ENGAGEMENT);
            CustomerActivity offline = first(match, switch (direction) {
                case JourneyMatch.ONLINE_TO_STORE -> VISIT;
                case JourneyMatch.STORE_TO_ONLINE -> STORE;
                default -> NEAR;
            });
            out.collect(new JourneyMatch(direction, offline.customerId(), online, offline));
        }

        private static CustomerActivity first(Map<String, List<CustomerActivity>> match, String name) {
            return match.get(name).get(0);
        }
    }

    private static final class ActivityOrder implements EventComparator<CustomerActivity> {
        private static final long serialVersionUID = 1L;
        private static final Comparator<CustomerActivity> ORDER = Comparator.comparingLong(CustomerActivity::ts)
                .thenComparing(CustomerActivity::kind)
                .thenComparing(CustomerActivity::eventId);

        @Override
        public int compare(CustomerActivity a, CustomerActivity b) {
            return ORDER.compare(a, b);
        }
    }
}
