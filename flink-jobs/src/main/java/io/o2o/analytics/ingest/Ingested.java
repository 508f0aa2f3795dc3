package io.o2o.analytics.ingest;

import io.o2o.analytics.offers.OfferRuleChange;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.IdentityLink;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.MarketingPreference;
import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.records.StoreSensorEvent;

/**
 * The outcome of parsing one input record: exactly one of the typed events, or a dead letter.
 *
 * <p>One record type with nullable members rather than a class hierarchy, so that Flink serialises it
 * with its POJO serializer instead of falling back to Kryo for the polymorphic payload.
 *
 * @param eventTime the event's own time; for a dead letter, the time the record arrived
 * @param receivedAt the time the record arrived (its Kafka record timestamp)
 */
public record Ingested(
        InputTopic topic,
        long eventTime,
        long receivedAt,
        LbsPing ping,
        StoreSensorEvent sensor,
        OnlineEvent online,
        PosTransaction pos,
        IdentityLink link,
        MarketingPreference preference,
        OfferRuleChange ruleChange,
        DeadLetter deadLetter) {

    static Ingested of(RawRecord raw, LbsPing ping) {
        return new Ingested(raw.topic(), ping.ts(), raw.timestampMillis(), ping, null, null, null, null, null, null, null);
    }

    static Ingested of(RawRecord raw, StoreSensorEvent sensor) {
        return new Ingested(raw.topic(), sensor.ts(), raw.timestampMillis(), null, sensor, null, null, null, null, null, null);
    }

    static Ingested of(RawRecord raw, OnlineEvent online) {
        return new Ingested(raw.topic(), online.ts(), raw.timestampMillis(), null, null, online, null, null, null, null, null);
    }

    static Ingested of(RawRecord raw, PosTransaction pos) {
        return new Ingested(raw.topic(), pos.ts(), raw.timestampMillis(), null, null, null, pos, null, null, null, null);
    }

    static Ingested of(RawRecord raw, IdentityLink link) {
        return new Ingested(raw.topic(), link.ts(), raw.timestampMillis(), null, null, null, null, link, null, null, null);
    }

    static Ingested of(RawRecord raw, MarketingPreference preference) {
        return new Ingested(raw.topic(), preference.ts(), raw.timestampMillis(), null, null, null, null, null,
                preference, null, null);
    }

    static Ingested of(RawRecord raw, OfferRuleChange change) {
        return new Ingested(raw.topic(), change.ts(), raw.timestampMillis(), null, null, null, null, null, null,
                change, null);
    }

    static Ingested rejected(InputTopic topic, DeadLetter deadLetter) {
        long arrived = deadLetter.receivedAtMillis();
        return new Ingested(topic, arrived, arrived, null, null, null, null, null, null, null, deadLetter);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
