package io.o2o.analytics.ingest;

import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.IdentityLink;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreSensorEvent;

/**
 * The outcome of parsing one input record: exactly one of the typed events, or a dead letter.
 *
 * <p>One record type with nullable members rather than a class hierarchy, so that Flink serialises it
 * with its POJO serializer instead of falling back to Kryo for the polymorphic payload.
 *
 * @param eventTime the event's own time; for a dead letter, the time the record arrived
 */
public record Ingested(
        InputTopic topic,
        long eventTime,
        LbsPing ping,
        StoreSensorEvent sensor,
        OnlineEvent online,
        PosTransaction pos,
        IdentityLink link,
        DeadLetter deadLetter) {

    static Ingested of(InputTopic topic, LbsPing ping) {
        return new Ingested(topic, ping.ts(), ping, null, null, null, null, null);
    }

    static Ingested of(InputTopic topic, StoreSensorEvent sensor) {
        return new Ingested(topic, sensor.ts(), null, sensor, null, null, null, null);
    }

    static Ingested of(InputTopic topic, OnlineEvent online) {
        return new Ingested(topic, online.ts(), null, null, online, null, null, null);
    }

    static Ingested of(InputTopic topic, PosTransaction pos) {
        return new Ingested(topic, pos.ts(), null, null, null, pos, null, null);
    }

    static Ingested of(InputTopic topic, IdentityLink link) {
        return new Ingested(topic, link.ts(), null, null, null, null, link, null);
    }

    static Ingested rejected(InputTopic topic, DeadLetter deadLetter) {
        return new Ingested(topic, deadLetter.receivedAtMillis(), null, null, null, null, null, deadLetter);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
