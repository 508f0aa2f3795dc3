package io.o2o.analytics.journeys;

import java.util.List;

/**
 * Two activities of one customer that the {@link JourneyMatcher} paired.
 *
 * @param direction {@link #ONLINE_TO_STORE} (an engagement, then a visit) or {@link #STORE_TO_ONLINE} (a visit
 *     or purchase, then online activity), the journeys; or {@link #ENGAGED_THEN_NEAR} (an engagement, then entering
 *     or passing a store), for geo-offers
 * @param online the engagement, or the online activity that followed the store
 * @param offline the visit, the visit or purchase that came first, or the near-store moment
 */
public record JourneyMatch(String direction, String customerId, CustomerActivity online, CustomerActivity offline) {
    public static final String ONLINE_TO_STORE = "online_to_store";
    public static final String STORE_TO_ONLINE = "store_to_online";
    public static final String ENGAGED_THEN_NEAR = "engaged_then_near";

    /** The directions of a journey (a conversion); an engaged-then-near pair is none. */
    public static List<String> directions() {
        return List.of(ONLINE_TO_STORE, STORE_TO_ONLINE);
    }
}
