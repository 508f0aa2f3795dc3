package io.o2o.analytics.ingest;

import java.util.Locale;

/** Why an input record could not be used. The codes are a closed set, so they are safe as metric tags. */
public enum DeadLetterReason {
    /** Not a JSON object: truncated, as from an upload cut off mid-way, or not JSON at all. */
    MALFORMED_JSON,
    /** A required field left out: a ping without lat, a till receipt without storeId. */
    MISSING_FIELD,
    /** A value outside the contract: source "satellite", channel "fax", a negative accuracy, a bad ts. */
    INVALID_VALUE,
    /** lat beyond 90, lon beyond 180, or NaN. */
    COORDINATES_OUT_OF_RANGE,
    /** An event time after the record reached Kafka by more than the allowed skew: a phone's clock is wrong. */
    TIMESTAMP_IN_FUTURE,
    /**
     * An event time more than {@code ingest.max-past-age} before the record reached Kafka: a phone whose clock
     * reset to 1970, a replay of another era. Not a late event (which is judged against the watermark).
     */
    TIMESTAMP_TOO_OLD,
    /** A sensor reading, till receipt or online event naming a store that is not in the fence file. */
    UNKNOWN_STORE,
    /** Arrived after the watermark had passed its event time: its window of decisions has closed. */
    LATE_EVENT,
    /**
     * A second copy of a location fix (same device, time and position) that arrived before the first was
     * processed, as phones re-sending a batch do. Had it arrived after, it would be a {@link #LATE_EVENT}. Also a
     * till receipt whose {@code txId} the store already sent (a till re-sending after a lost connection).
     */
    DUPLICATE_EVENT,
    /** Identity evidence refused because it would give a customer more identifiers than the cap allows. */
    MERGE_REFUSED,
    /** An offer rule change that does not validate (the detail says every problem); the previous rules keep running. */
    INVALID_RULE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
