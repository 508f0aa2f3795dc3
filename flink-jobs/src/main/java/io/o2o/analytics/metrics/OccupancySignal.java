package io.o2o.analytics.metrics;

import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.records.StoreVisitEvent;

/**
 * A change of a store's occupancy as one of its two witnesses saw it: the door counter (people in and out,
 * every person) or the visit detector (a phone entered or left: only phones that share their location).
 */
public record OccupancySignal(String storeId, long ts, int doorIn, int doorOut, int deviceEntries, int deviceExits) {

    public static OccupancySignal door(StoreSensorEvent reading) {
        return new OccupancySignal(reading.storeId(), reading.ts(), nonNull(reading.in()), nonNull(reading.out()), 0, 0);
    }

    /** An {@code enter} or {@code exit} decision; other decisions change no occupancy. */
    public static OccupancySignal device(StoreVisitEvent decision) {
        boolean enter = StoreVisitEvent.ENTER.equals(decision.type());
        return new OccupancySignal(decision.storeId(), decision.eventTime(), 0, 0, enter ? 1 : 0, enter ? 0 : 1);
    }

    private static int nonNull(Integer count) {
        return count == null ? 0 : count;
    }
}
