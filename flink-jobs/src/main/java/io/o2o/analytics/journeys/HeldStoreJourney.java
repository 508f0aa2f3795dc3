package io.o2o.analytics.journeys;

/**
 * A store-to-online journey that is complete but not out yet, because a store run the customer began before it is
 * still open ({@link JourneyMatcher}). A mutable POJO with public fields so that Flink stores it with its POJO
 * serializer.
 */
public class HeldStoreJourney {
    public CustomerActivity store;
    public long storeOrder;
    public CustomerActivity online;
    public long onlineOrder;

    public HeldStoreJourney() {}

    static HeldStoreJourney of(JourneyStart store, CustomerActivity online, long onlineOrder) {
        HeldStoreJourney held = new HeldStoreJourney();
        held.store = store.activity;
        held.storeOrder = store.order;
        held.online = online;
        held.onlineOrder = onlineOrder;
        return held;
    }
}
