package io.o2o.analytics.sink.influx;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * Exponential backoff for failed batches: the n-th retry waits {@code initialBackoff * 2^(n-1)}, never more than
 * {@code maxBackoff}; a server's {@code Retry-After} replaces the computed wait (up to {@link #MAX_RETRY_AFTER}).
 * After {@code maxRetries} retries the batch fails the job.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) implements Serializable {

    /** Upper bound on a server's Retry-After hint, so a wrong header cannot stall the job for hours. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration hint = retryAfter.get();
            if (hint.isNegative()) {
                return Duration.ZERO;
            }
            return hint.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : hint;
        }
        Duration wait = initialBackoff;
        for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
