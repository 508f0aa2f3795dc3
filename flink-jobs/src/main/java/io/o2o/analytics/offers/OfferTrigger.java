package io.o2o.analytics.offers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a customer does that makes an offer rule fire (docs/offers.md, "Triggers"). */
public enum OfferTrigger {
    /** Confirmed inside the store. */
    ENTER,
    /** Came within the store's near-buffer and left without entering. */
    PASS_BY,
    /** In the store, or in one of its zones, for a given time, without having left. */
    DWELL,
    /** Engaged online (view, cart, coupon claim), then passed or entered the store within a given time. */
    ENGAGED_THEN_NEAR,
    /** Visited the store and bought nothing there within a grace period after leaving. */
    VISIT_WITHOUT_PURCHASE,
    /** A member whose last visit or purchase is older than a given time comes near or into the store. */
    LAPSED_MEMBER_NEARBY;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<OfferTrigger> ofCode(String code) {
        return Arrays.stream(values()).filter(trigger -> trigger.code().equals(code)).findFirst();
    }
}
