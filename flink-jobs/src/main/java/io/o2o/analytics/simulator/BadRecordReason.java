package io.o2o.analytics.simulator;

import java.util.Locale;

/**
 * The ways the simulator breaks records, each named by the dead-letter reason code the engine must give it
 * (the codes of {@code io.o2o.analytics.ingest.DeadLetterReason}).
 */
public enum BadRecordReason {
    /** Truncated JSON, as from an upload cut off mid-way. */
    MALFORMED_JSON,
    /** A required field left out: a ping without lat, a till receipt without storeId, ... */
    MISSING_FIELD,
    /** A value outside the contract: source "satellite", channel "fax", a negative accuracy, ... */
    INVALID_VALUE,
    /** lat 123.4, lon 200.5, or a literal {@code NaN}. */
    COORDINATES_OUT_OF_RANGE,
    /** An event time more than 10 minutes after the record reached Kafka: a phone whose clock is wrong. */
    TIMESTAMP_IN_FUTURE,
    /** A sensor reading or till receipt from a store that is not in the fence catalogue. */
    UNKNOWN_STORE,
    /** A genuine ping re-sent 15 minutes after its event time, long after the watermark passed it. */
    LATE_EVENT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
