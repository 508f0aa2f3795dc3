package io.o2o.analytics.simulator;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CityMap.StoreSite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The door counter above each store's entrance: one reading per store per minute with the true number of
 * crossings in and out during that minute, zeros included (a silent counter is a broken one).
 *
 * <p>A reading's {@code ts} is the last millisecond of the minute it counts: the counter only knows the
 * counts once the minute is over, and a timestamp inside the minute keeps the reading in that minute's
 * window. Counters are wired to a gateway, so readings arrive within 5 s.
 */
final class DoorCounters {
    private static final long MINUTE = 60_000;
    private static final long MAX_DELAY_MILLIS = 5_000;

    private DoorCounters() {}

    static List<RawRecord> readings(CityMap city, SimulationSettings settings, List<TrueEntry> entries) {
        int minutes = (int) ((settings.endMillis() - settings.startMillis() + MINUTE - 1) / MINUTE);
        Map<String, int[]> ins = new HashMap<>();
        Map<String, int[]> outs = new HashMap<>();
        for (TrueEntry entry : entries) {
            ins.computeIfAbsent(entry.storeId(), id -> new int[minutes])[minute(settings, entry.enterMillis(), minutes)]++;
            outs.computeIfAbsent(entry.storeId(), id -> new int[minutes])[minute(settings, entry.exitMillis(), minutes)]++;
        }
        List<RawRecord> readings = new ArrayList<>();
        for (StoreSite site : city.sites()) {
            RecordSink sink = new RecordSink(RandomStreams.forStore(settings.seed(), site.id()), MAX_DELAY_MILLIS);
            int[] in = ins.getOrDefault(site.id(), new int[minutes]);
            int[] out = outs.getOrDefault(site.id(), new int[minutes]);
            for (int m = 0; m < minutes; m++) {
                long ts = settings.startMillis() + m * MINUTE + MINUTE - 1;
                sink.add(InputTopic.STORE_SENSORS, site.id(),
                        RecordJson.doorCount(site.id() + "-door", site.id(), site.defaultZoneId(), in[m], out[m], ts,
                                RecordJson.Clock.EPOCH_MILLIS),
                        ts);
            }
            readings.addAll(sink.records());
        }
        return readings;
    }

    /** The minute of the window an instant falls in; an exit at the window's very end counts in its last minute. */
    private static int minute(SimulationSettings settings, long t, int minutes) {
        return (int) Math.min(minutes - 1, (t - settings.startMillis()) / MINUTE);
    }
}
