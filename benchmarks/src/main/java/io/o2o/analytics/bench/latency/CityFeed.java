package io.o2o.analytics.bench.latency;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What of a simulated city the benchmark writes: the live records, from the feed's start for its length, paced at
 * speed 1; and before them, at once, a backlog of what the city's people did earlier that the engine keeps as state
 * (identity links, marketing preferences, online activity, purchases, offer rules), so that a feed that starts with
 * people already about knows who they are and what they consented to. Their earlier pings and sensor readings are
 * left out: replayed at once, they would only be late positions.
 */
public record CityFeed(List<RawRecord> backlog, List<RawRecord> live) {
    /** Where people are: only live. */
    static final Set<InputTopic> POSITIONS = Set.of(InputTopic.LBS_PINGS, InputTopic.STORE_SENSORS);

    /** @param records in arrival order ({@link RawRecord#timestampMillis()}), as the simulator makes them */
    public static CityFeed of(List<RawRecord> records, Instant start, Duration feed) {
        return of(records, start, feed, false);
    }

    /**
     * @param withPositions whether the backlog has the earlier pings and sensor readings too: the engine then links
     *     phones to their customers (a phone seen with its user) before the feed, as a running deployment has
     */
    public static CityFeed of(List<RawRecord> records, Instant start, Duration feed, boolean withPositions) {
        long from = start.toEpochMilli();
        long until = start.plus(feed).toEpochMilli();
        return new CityFeed(
                records.stream().filter(r -> r.timestampMillis() < from
                        && (withPositions || !POSITIONS.contains(r.topic()))).toList(),
                records.stream().filter(r -> r.timestampMillis() >= from && r.timestampMillis() < until).toList());
    }
}
