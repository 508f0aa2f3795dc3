package io.o2o.analytics.records;

import java.util.List;

/** A till transaction in a store; {@code memberId} is present when a member card was scanned. */
public record PosTransaction(
        String txId, String storeId, String memberId, double amount, List<PosItem> items, long ts) {}
