package io.o2o.analytics.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CityFeedTest {
    private static final Instant FEED_START = Instant.parse("2026-12-08T02:00:00Z");
    private static final long BEFORE = FEED_START.toEpochMilli() - 60_000;
    private static final long DURING = FEED_START.toEpochMilli() + 60_000;
    private static final long AFTER = FEED_START.plus(Duration.ofMinutes(15)).toEpochMilli();

    @Test
    void whatPeopleDidBeforeTheFeedIsABacklogWithoutTheirPositions() {
        RawRecord earlierPing = record(InputTopic.LBS_PINGS, BEFORE);
        RawRecord earlierReading = record(InputTopic.STORE_SENSORS, BEFORE);
        RawRecord earlierLink = record(InputTopic.IDENTITY_LINKS, BEFORE);
        RawRecord earlierConsent = record(InputTopic.MARKETING_PREFERENCES, BEFORE);
        RawRecord ping = record(InputTopic.LBS_PINGS, DURING);
        RawRecord purchase = record(InputTopic.POS_TRANSACTIONS, DURING);
        RawRecord afterTheFeed = record(InputTopic.LBS_PINGS, AFTER);

        CityFeed feed = CityFeed.of(List.of(earlierPing, earlierReading, earlierLink, earlierConsent, ping, purchase,
                afterTheFeed), FEED_START, Duration.ofMinutes(15));

        assertThat(feed.backlog()).containsExactly(earlierLink, earlierConsent);
        assertThat(feed.live()).containsExactly(ping, purchase);

        CityFeed known = CityFeed.of(List.of(earlierPing, earlierReading, earlierLink, earlierConsent, ping, purchase,
                afterTheFeed), FEED_START, Duration.ofMinutes(15), true);
        assertThat(known.backlog()).containsExactly(earlierPing, earlierReading, earlierLink, earlierConsent);
        assertThat(known.live()).containsExactly(ping, purchase);
    }

    private static RawRecord record(InputTopic topic, long at) {
        return new RawRecord(topic, "key", "{}", at);
    }
}
