package io.o2o.analytics.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What the simulated CRM knows of a member's marketing wishes: about one in ten opted out of offers, and about one
 * in six is in the {@code vip} segment. Drawn from a stream of the member's own, so that it takes no draw from the
 * streams the journey is made of.
 */
record MarketingProfile(boolean consents, List<String> segments) {
    static final double OPT_OUT_SHARE = 0.1;
    static final double VIP_SHARE = 1.0 / 6;

    static MarketingProfile of(long seed, String memberId) {
        SplittableRandom random = new SplittableRandom(seed * 31 + memberId.hashCode());
        boolean consents = random.nextDouble() >= OPT_OUT_SHARE;
        return new MarketingProfile(consents, random.nextDouble() < VIP_SHARE ? List.of("vip") : List.of());
    }
}
