package io.o2o.analytics.bench.latency;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The job's output records as far as the latency benchmark reads them, each with the time Kafka appended it. Only
 * hashed identifiers are read; none is printed.
 */
public final class OutputRecords {
    private OutputRecords() {}

    /**
     * A record of the {@code visits} topic.
     *
     * @param decidedAt the event time of the ping that confirmed an {@code enter} (and, once visit detection
     *     sets it, the ping beyond the near-buffer that decided a {@code pass_by}); null otherwise
     */
    public record VisitDecision(String eventId, String type, String deviceId, long eventTime, Long decidedAt,
            long append) {
        public static final String ENTER = "enter";
        public static final String PASS_BY = "pass_by";
        public static final String EXIT = "exit";

        public static VisitDecision of(JsonNode json, long append) {
            JsonNode decided = json.path("decidedAt");
            return new VisitDecision(json.path("eventId").asText(), json.path("type").asText(),
                    json.path("deviceId").asText(), json.path("eventTime").asLong(),
                    decided.isNumber() ? decided.asLong() : null, append);
        }

        /**
         * The event time of the ping from which the engine could make this decision: the confirming ping of an
         * entry, the ping that decided a pass-by when the record names it, else its last ping near the store; the
         * last presence of an exit. An exit and a pass-by named by their last ping include the exit timeout.
         */
        public long decisivePingTime() {
            return switch (type) {
                case ENTER, PASS_BY -> decidedAt != null ? decidedAt : eventTime;
                default -> eventTime;
            };
        }
    }

    /** A record of the {@code geo-offers} topic (exactly once: read with read_committed). */
    public record OfferSent(String offerId, String trigger, long sentAt, long append) {
        public static OfferSent of(JsonNode json, long append) {
            return new OfferSent(json.path("offerId").asText(), json.path("trigger").asText(),
                    json.path("sentAt").asLong(), append);
        }
    }

    /**
     * A record of the {@code offer-audit} topic (at least once).
     *
     * @param triggerEventId the moment that fired the rule: for a rule fired by an entry or a pass-by (alone, after
     *     an online engagement, or for a lapsed member), the {@code eventId} of that {@code visits} record
     */
    public record AuditDecision(String offerId, String outcome, String trigger, String triggerEventId,
            long decidedAt, long append) {
        public static final String SENT = "sent";

        public static AuditDecision of(JsonNode json, long append) {
            return new AuditDecision(json.path("offerId").asText(), json.path("outcome").asText(),
                    json.path("trigger").asText(), json.path("triggerEventId").asText(), json.path("decidedAt").asLong(),
                    append);
        }

        public boolean sent() {
            return SENT.equals(outcome);
        }
    }

    /**
     * A record of the {@code dead-letters} topic.
     *
     * @param partition where the refused record was read; -1 for one refused after parsing (late, duplicate)
     * @param receivedAt the refused record's Kafka timestamp: with {@code LogAppendTime}, its append
     */
    public record DeadLetterRef(String topic, int partition, String reason, long receivedAt, long append) {
        public static DeadLetterRef of(JsonNode json, long append) {
            return new DeadLetterRef(json.path("topic").asText(), json.path("partition").asInt(-1),
                    json.path("reason").asText(), json.path("receivedAtMillis").asLong(), append);
        }

        /** Refused by the parser as it was read, rather than later in event time (late, duplicate). */
        public boolean refusedWhenRead() {
            return partition >= 0;
        }
    }
}
