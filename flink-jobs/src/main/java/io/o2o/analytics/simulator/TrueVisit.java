package io.o2o.analytics.simulator;

/**
 * A stay the engine should report as a visit: the customer's true path was inside the store's footprint
 * from {@code enterMillis} (first moment inside) to {@code exitMillis} (last moment inside), 6 to 45 minutes.
 *
 * @param known whether, by the visit's exit, the evidence links the phone's device id to any other identifier
 *     (a user, a member, ...): whether the engine can tell who visited
 */
public record TrueVisit(
        String customerId, String rawDeviceId, String storeId, long enterMillis, long exitMillis, boolean known) {

    public long dwellMillis() {
        return exitMillis - enterMillis;
    }
}
