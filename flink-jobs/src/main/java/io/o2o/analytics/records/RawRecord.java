package io.o2o.analytics.records;

/**
 * One input record as it arrives, before parsing: a Kafka record's value, or one the simulator made.
 *
 * @param topic which input stream it came from
 * @param key the record key, may be null
 * @param value the JSON text, exactly as received (may be malformed)
 * @param timestampMillis when it was produced (Kafka record timestamp); the event time of a record
 *     whose own timestamp cannot be trusted
 */
public record RawRecord(InputTopic topic, String key, String value, long timestampMillis) {}
