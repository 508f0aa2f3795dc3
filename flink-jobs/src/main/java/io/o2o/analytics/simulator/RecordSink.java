package io.o2o.analytics.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Collects one producer's records, giving each the Kafka timestamp at which it arrives: its event time plus
 * a delivery delay. Phones upload in batches and sensors through gateways, so records reach Kafka up to
 * {@link #MAX_DELAY_MILLIS} late and out of event-time order.
 */
final class RecordSink {
    static final long MAX_DELAY_MILLIS = 30_000;

    private final SplittableRandom delays;
    private final long maxDelayMillis;
    private final List<RawRecord> records = new ArrayList<>();

    RecordSink(SplittableRandom delays) {
        this(delays, MAX_DELAY_MILLIS);
    }

    RecordSink(SplittableRandom delays, long maxDelayMillis) {
        this.delays = delays;
        this.maxDelayMillis = maxDelayMillis;
    }

    void add(InputTopic topic, String key, ObjectNode value, long eventMillis) {
        long arrival = eventMillis + delays.nextLong(0, maxDelayMillis + 1);
        records.add(new RawRecord(topic, key, RecordJson.write(value), arrival));
    }

    List<RawRecord> records() {
        return records;
    }
}
