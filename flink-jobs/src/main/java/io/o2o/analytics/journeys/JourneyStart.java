package io.o2o.analytics.journeys;

/**
 * An activity of one customer that can still begin a journey (an engagement, a visit, a purchase) or an
 * engaged-then-near pair, as the {@link JourneyMatcher} keeps it. A mutable POJO with public fields so that Flink
 * stores it with its POJO serializer.
 */
public class JourneyStart {
    public CustomerActivity activity;
    /** When the matcher took it (its record timestamp): its pairing window is counted from here. */
    public long at;
    /** Its place in the order the matcher took the customer's activities. */
    public long order;
    /** A visit or purchase that no online activity has followed yet: its store-to-online run is still open. */
    public boolean storeRunOpen;

    public JourneyStart() {}

    static JourneyStart of(CustomerActivity activity, long at, long order) {
        JourneyStart start = new JourneyStart();
        start.activity = activity;
        start.at = at;
        start.order = order;
        start.storeRunOpen = activity.isVisit() || activity.isPurchase();
        return start;
    }
}
