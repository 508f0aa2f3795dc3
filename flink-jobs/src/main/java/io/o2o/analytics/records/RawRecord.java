package io.o2o.analytics.records;

/**
 * One input record as it arrives, before parsing: a Kafka record's value, or one the simulator made.
 *
 * @param topic which input stream it came from
 * @param key the record key, may be null
 * @param value the JSON text, exactly as received (may be malformed)
 * @param timestampMillis when it was produced (Kafka record timestamp); the event time of a record
 *     whose own timestamp cannot be trusted
 * @param partition the Kafka partition, -1 for a record that did not come from Kafka
 * @param offset the Kafka offset, -1 for a record that did not come from Kafka
 */
public record RawRecord(InputTopic topic, String key, String value, long timestampMillis, int partition, long offset) {
    public RawRecord(InputTopic topic, String key, String value, long timestampMillis) {
        this(topic, key, value, timestampMillis, -1, -1);
    }
}
