package io.o2o.analytics.metrics;

import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreVisitEvent;

/**
 * A visit or a till transaction in a store, as the store's customer counts see it.
 *
 * @param visitorId for a visit, the hashed device (a visitor is a phone: the one thing every visit has)
 * @param known for a visit, whether the device was linked to a customer; for a transaction, whether a member
 *     card was scanned
 * @param returning for a visit, whether the same device visited the same store within the returning window
 */
public record StoreCustomerEvent(
        String storeId, long ts, boolean transaction, String visitorId, boolean known, boolean returning, double amount) {

    public static StoreCustomerEvent visit(StoreVisitEvent visit, boolean returning) {
        return new StoreCustomerEvent(
                visit.storeId(), visit.eventTime(), false, visit.deviceId(), visit.customerId() != null, returning, 0);
    }

    public static StoreCustomerEvent transaction(PosTransaction tx) {
        return new StoreCustomerEvent(tx.storeId(), tx.ts(), true, null, tx.memberId() != null, false, tx.amount());
    }
}
