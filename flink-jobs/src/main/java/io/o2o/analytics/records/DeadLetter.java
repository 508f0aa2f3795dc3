package io.o2o.analytics.records;

/**
 * An input the engine could not use, kept with the reason so that nothing is silently dropped, and with what
 * an operator needs to find and fix the producer; personal identifiers in it are hashed, as everywhere else.
 *
 * @param topic the input stream it came from
 * @param partition the Kafka partition it was read from, -1 when it did not come from Kafka
 * @param offset its Kafka offset, -1 when it did not come from Kafka
 * @param reason a short, bounded code (e.g. {@code malformed_json}); safe as a metric tag
 * @param detail a human-readable explanation
 * @param fields the record's top-level field names, comma-separated (bounded), empty if none could be read
 * @param excerpt the record as received, cut to a bound, with every identifier (device ids, MACs, advertising
 *     ids, phone numbers) replaced by its keyed hash
 * @param receivedAtMillis the record's arrival timestamp
 */
public record DeadLetter(
        String topic,
        int partition,
        long offset,
        String reason,
        String detail,
        String fields,
        String excerpt,
        long receivedAtMillis) {

    /** A dead letter the engine decided later (late, duplicate, refused), of a record it had already read. */
    public static DeadLetter decided(String topic, String reason, String detail, String excerpt, long receivedAtMillis) {
        return new DeadLetter(topic, -1, -1, reason, detail, "", excerpt, receivedAtMillis);
    }
}
