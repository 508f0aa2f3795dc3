package io.o2o.analytics.journeys;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@link JourneyMatcher} keeps of one customer between watermarks, in one state value read and written once
 * per timer. A mutable POJO with public fields so that Flink stores it with its POJO serializer.
 */
public class OpenJourneys {
    /** The activities that can still begin a journey, in the order the matcher took them. */
    public List<JourneyStart> starts = new ArrayList<>();
    /** Store-to-online journeys held back behind an earlier open store run, by their store activity's order. */
    public List<HeldStoreJourney> held = new ArrayList<>();
    /** The order number the next activity taken gets. */
    public long nextOrder;

    public OpenJourneys() {}

    boolean isEmpty() {
        return starts.isEmpty() && held.isEmpty();
    }
}
