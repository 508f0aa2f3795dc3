package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed batch whose cause the transport understood: either worth retrying (throttled, server error, time-out)
 * or not (bad request, wrong credentials, missing bucket).
 */
public final class TransportException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final int statusCode;
    private final Duration retryAfter;

    private TransportException(String message, boolean retryable, int statusCode, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.statusCode = statusCode;
        this.retryAfter = retryAfter;
    }

    /** A failure a later attempt may overcome; {@code retryAfter} is the server's hint, if it gave one. */
    public static TransportException retryable(String message, int statusCode, Duration retryAfter, Throwable cause) {
        return new TransportException(message, true, statusCode, retryAfter, cause);
    }

    /** A failure no retry can fix: the job must stop and say why. */
    public static TransportException fatal(String message, int statusCode, Throwable cause) {
        return new TransportException(message, false, statusCode, null, cause);
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** The HTTP status, or 0 when there was no HTTP response. */
    public int statusCode() {
        return statusCode;
    }

    /** How long the server asked us to wait (HTTP {@code Retry-After}), when it asked. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
