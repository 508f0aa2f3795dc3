package io.o2o.analytics.offers;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Set;

/**
 * One marketer's rule, as validated by {@link OfferRuleParser}: when it fires (trigger), for whom (audience and
 * stores), when it may run (schedule), how often (caps) and what is sent (the offer, forwarded as written).
 *
 * @param version a number the marketer raises with each change, echoed in every offer (0 when not given)
 * @param stores the stores it runs in; empty for every store of the fence file
 * @param offerJson the {@code offer} object of the rule, as JSON text
 * @param redeemWithin how long after an offer a purchase at its store counts as its redemption; null for the
 *     job's default ({@code offers.redemption-window})
 */
public record OfferRule(
        String id,
        int version,
        String name,
        boolean active,
        Trigger trigger,
        Audience audience,
        Set<String> stores,
        Schedule schedule,
        Caps caps,
        String offerJson,
        Duration redeemWithin) implements Serializable {

    /**
     * @param dwell for {@link OfferTrigger#DWELL}: how long in the store (or {@code zone}) before it fires
     * @param zone for {@link OfferTrigger#DWELL}: the zone, or null for the store
     * @param within for {@link OfferTrigger#ENGAGED_THEN_NEAR}: longest time from the engagement to the store
     * @param actions for {@link OfferTrigger#ENGAGED_THEN_NEAR}: the online actions that count
     * @param skus for {@link OfferTrigger#ENGAGED_THEN_NEAR}: the products engaged with; empty for any
     * @param near for near-store triggers: {@code pass_by}, {@code enter} or both
     * @param grace for {@link OfferTrigger#VISIT_WITHOUT_PURCHASE}: how long after the exit a purchase still counts
     * @param lapsedFor for {@link OfferTrigger#LAPSED_MEMBER_NEARBY}: how long without a visit or purchase
     */
    public record Trigger(
            OfferTrigger type,
            Duration dwell,
            String zone,
            Duration within,
            Set<String> actions,
            Set<String> skus,
            Set<String> near,
            Duration grace,
            Duration lapsedFor) implements Serializable {}

    /**
     * @param knownMember true: only customers with a member card; false: only those without; null: anyone
     * @param channels online channels the customer must have used (any of them); empty for any
     * @param segments CRM segments the customer must be in (any of them); empty for any
     */
    public record Audience(Boolean knownMember, Set<String> channels, Set<String> segments) implements Serializable {}

    /**
     * In the store's own time zone.
     *
     * @param from first instant it runs, or null
     * @param until instant it stops, or null
     * @param days week days it runs; empty for every day
     * @param opens local time of day from which it runs, or null for the whole day
     * @param closes local time of day until which it runs (exclusive)
     * @param openingHoursOnly whether it runs only while the store is open (fence file {@code openingHours})
     */
    public record Schedule(
            Instant from,
            Instant until,
            Set<DayOfWeek> days,
            LocalTime opens,
            LocalTime closes,
            boolean openingHoursOnly) implements Serializable {}

    /**
     * Per customer; 0 for no cap.
     *
     * @param perCustomerPerDay most offers of this rule to one customer in any 24 hours
     * @param perCustomer most offers of this rule to one customer ever
     * @param cooldown least time between two offers of this rule to one customer, or zero
     */
    public record Caps(int perCustomerPerDay, int perCustomer, Duration cooldown) implements Serializable {}

    public boolean runsIn(String storeId) {
        return stores.isEmpty() || stores.contains(storeId);
    }
}
