package io.o2o.analytics.records;

/**
 * An input the engine could not use, kept with the reason so that nothing is silently dropped.
 *
 * @param topic the input stream it came from
 * @param reason a short, bounded code (e.g. {@code malformed_json}); safe as a metric tag
 * @param detail a human-readable explanation
 * @param raw the record exactly as received
 * @param receivedAtMillis the record's arrival timestamp
 */
public record DeadLetter(String topic, String reason, String detail, String raw, long receivedAtMillis) {}
