package io.o2o.analytics.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulated time every integration test (and {@code scripts/cluster-submission-test.sh}) writes its city at,
 * fixed so that no outcome depends on the hour, weekday or time zone the tests run in.
 *
 * <p>{@link #START} is Saturday 2026-03-07 12:00 in Shanghai (04:00 UTC): the sample stores are open (the earliest
 * closes at 22:00), every sample offer rule runs (opening hours only; 10:00-20:00; weekends 11:00-20:00) and the
 * default quiet hours (22:00-08:00) are hours away, for the {@link #WINDOW} after it. {@code SimulatedTimeTest}
 * checks this minute by minute.
 *
 * <p>The instant is in the past, which a real broker accepts (Kafka checks only that a record is not more than an
 * hour ahead, {@code log.message.timestamp.after.max.ms}) but deletes once it is older than the retention: the
 * tests' topics are created with {@code retention.ms=-1} ({@link KafkaTestBroker#createTopic}).
 */
public final class SimulatedTime {
    private SimulatedTime() {}

    /** Saturday 2026-03-07 12:00 Asia/Shanghai. */
    public static final Instant START = Instant.parse("2026-03-07T04:00:00Z");

    /** The longest input a test writes from {@link #START}: the cluster test's two hours. */
    public static final Duration WINDOW = Duration.ofHours(2);
}
