package io.o2o.analytics.ingest;

import java.util.Locale;

/** Why an input record could not be used. The codes are a closed set, so they are safe as metric tags. */
public enum DeadLetterReason {
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_VALUE,
    COORDINATES_OUT_OF_RANGE,
    TIMESTAMP_IN_FUTURE,
    UNKNOWN_STORE,
    /** Arrived after the watermark had passed its event time: its window of decisions has closed. */
    LATE_EVENT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
