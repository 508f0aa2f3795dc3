package io.o2o.analytics.journeys;

import java.util.List;

/**
 * What a known customer did in a store, for the online platform's profile ({@code profile-updates} topic):
 * a store visit, a stay in a zone of the store, or a purchase, with the customer's online-facing identifiers so the platform can find the
 * profile without reading the identity graph.
 *
 * @param updateId deterministic per customer and activity; the same activity reaches a second customer's
 *     profile only when its identifier joins that customer (a merge)
 * @param type {@code store_visit}, {@code zone_dwell} or {@code purchase}
 * @param ts the visit's (or zone stay's) entry or the purchase's time
 * @param zoneId for a zone stay, its zone
 * @param zones the zones of the SKUs bought (for a purchase)
 * @param identifiers the customer's {@code user:}, {@code member:}, {@code wechat:} and {@code weibo:}
 *     identifiers when the update was made (hashed device and phone ids are left out: no platform can use them)
 * @param knownAt event time at which the activity became this customer's
 */
public record ProfileUpdate(
        String updateId,
        String customerId,
        String type,
        String storeId,
        String zoneId,
        long ts,
        Long exitedAt,
        Long dwellMillis,
        String txId,
        Double amount,
        List<String> skus,
        List<String> zones,
        List<String> identifiers,
        long knownAt) {

    public static final String STORE_VISIT = "store_visit";
    public static final String ZONE_DWELL = "zone_dwell";
    public static final String PURCHASE = "purchase";
}
