package io.o2o.analytics.sink.influx;

import io.o2o.analytics.metrics.MetricPoint;
import java.util.Map;

/** Store-ops points whose content follows from their number, so a test can tell what must have arrived. */
final class TestPoints {

    static final String MEASUREMENT = "store_traffic";
    static final long BEGINNING = 1_700_000_000_000L;
    static final int STORES = 10;

    private TestPoints() {}

    /** Point {@code i}: store {@code s-(i % 10)}, one of two zones (one with a space), a field of every type. */
    static MetricPoint storeTraffic(long i) {
        return MetricPoint.of(
                MEASUREMENT,
                Map.of("store", store(i), "zone", zone(i)),
                Map.of("visitors", i, "dwell_seconds", i / 4.0, "open", i % 2 == 0, "source", "sim \"city\""),
                timestamp(i));
    }

    static String store(long i) {
        return "s-" + (i % STORES);
    }

    static String zone(long i) {
        return i % 3 == 0 ? "entrance hall" : "checkout";
    }

    static long timestamp(long i) {
        return BEGINNING + i;
    }
}
