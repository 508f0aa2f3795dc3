package io.o2o.analytics.metrics;

import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.util.List;

/**
 * What a zone drew and what it sold: a device that dwelt in it (attention), or a till line for a SKU shown in it.
 *
 * @param deviceId for attention, the hashed device that dwelt
 * @param txId for a sale, the receipt
 */
public record MerchandisingSignal(
        String storeId, String zoneId, long ts, String deviceId, String txId, int units) {

    /** Shorter stays are walking through the zone, not looking at what it shows. */
    public static final Duration ATTENTION_MIN_DWELL = Duration.ofSeconds(30);

    /** A zone visit long enough to be attention; none for a walk through. */
    public static List<MerchandisingSignal> attention(ZoneVisit visit) {
        return visit.dwellMillis() < ATTENTION_MIN_DWELL.toMillis()
                ? List.of()
                : List.of(new MerchandisingSignal(visit.storeId(), visit.zoneId(), visit.exitedAt(), visit.deviceId(), null, 0));
    }

    /** The receipt's lines whose SKU is shown in a known zone, one signal per line. */
    public static List<MerchandisingSignal> sales(PosTransaction tx) {
        return tx.items().stream()
                .filter(item -> item.zoneId() != null)
                .map(item -> sale(tx, item))
                .toList();
    }

    private static MerchandisingSignal sale(PosTransaction tx, PosItem item) {
        return new MerchandisingSignal(tx.storeId(), item.zoneId(), tx.ts(), null, tx.txId(), item.qty());
    }

    public boolean isAttention() {
        return deviceId != null;
    }

    public static String zoneKey(MerchandisingSignal signal) {
        return signal.storeId() + '|' + signal.zoneId();
    }
}
