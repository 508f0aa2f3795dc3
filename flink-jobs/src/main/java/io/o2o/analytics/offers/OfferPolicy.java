package io.o2o.analytics.offers;

import java.io.Serializable;
import java.time.Duration;
import java.time.LocalTime;

/**
 * What holds for every rule: the customer's daily cap across rules, the cooldown per store, quiet hours (in each
 * store's time zone), how stale a moment may be when the engine learns it, and how long an offer can be redeemed.
 *
 * @param maxPerCustomerPerDay most offers to one customer in any 24 hours, over every rule; 0 for no cap
 * @param storeCooldown least time between two offers to one customer for the same store
 * @param quietFrom start of the quiet hours, or null for none; they may run past midnight
 * @param quietUntil end of the quiet hours (exclusive)
 * @param freshness a moment learnt later than this after it happened (e.g. an entry re-sent when a link arrives
 *     hours later) fires nothing
 * @param redemptionWindow how long after an offer a purchase at its store redeems it, unless the rule says
 * @param liveWithin a live moment (docs/visit-detection.md, two speeds) is decided as it arrives when its ping is at
 *     most this old by the engine's clock; an older one (a backlog, a replay, a phone's late batch) is left to the
 *     final decision in event time. Zero decides every moment in event time only.
 */
public record OfferPolicy(
        int maxPerCustomerPerDay,
        Duration storeCooldown,
        LocalTime quietFrom,
        LocalTime quietUntil,
        Duration freshness,
        Duration redemptionWindow,
        Duration liveWithin) implements Serializable {

    /** {@code HH:mm-HH:mm}, or empty / {@code none} for no quiet hours. */
    public static LocalTime[] parseQuietHours(String text) {
        if (text == null || text.isBlank() || text.equalsIgnoreCase("none")) {
            return new LocalTime[] {null, null};
        }
        if (!text.matches("\\d\\d:\\d\\d-\\d\\d:\\d\\d")) {
            throw new IllegalArgumentException("quiet hours must be HH:mm-HH:mm or none, was '" + text + "'");
        }
        LocalTime from = LocalTime.parse(text.substring(0, 5));
        LocalTime until = LocalTime.parse(text.substring(6));
        if (from.equals(until)) {
            throw new IllegalArgumentException("quiet hours must not start and end at the same time: '" + text + "'");
        }
        return new LocalTime[] {from, until};
    }

    public boolean quietAt(LocalTime time) {
        if (quietFrom == null) {
            return false;
        }
        return quietFrom.isBefore(quietUntil)
                ? !time.isBefore(quietFrom) && time.isBefore(quietUntil)
                : !time.isBefore(quietFrom) || time.isBefore(quietUntil);
    }
}
