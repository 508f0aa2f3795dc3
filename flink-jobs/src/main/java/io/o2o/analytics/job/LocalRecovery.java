package io.o2o.analytics.job;

import io.o2o.analytics.job.JobOptions.OutputKind;
import io.o2o.analytics.job.JobOptions.SourceKind;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How a local run ({@code bin/o2o-analytics}, {@link LocalLauncher}) restarts after a failure. A cluster decides
 * this in its own configuration ({@code docker/flink/conf/config.yaml}: exponential delay, Flink's defaults).
 *
 * <p>A run that reads from or writes to Kafka fails whenever the broker is away for longer than the Kafka
 * clients wait (a minute: the producers' {@code max.block.ms}, the consumer's {@code default.api.timeout.ms}), as
 * during broker maintenance or a rolling restart. Restarting is then the cure, so such a run restarts with an
 * exponential delay that rides out {@link #minimumRideOut() a quarter of an hour} of failed attempts, and comes
 * back within {@link #MAX_BACKOFF} of the broker. A run with the simulator and file outputs depends on
 * nothing outside this process: a failure there is a bug or a full disk, which no restart cures, so it gives up
 * after two quick attempts and shows the error to the person at the terminal. Bad input fails neither
 * (every record is used or becomes a dead letter).
 *
 * <p>The settings are fixed rather than options: they are what broker maintenance needs, and the limit that
 * matters more for a long outage is the geo-offers' {@code offers.transaction-timeout}. Failed checkpoints are
 * left to Flink's default (none tolerated): those of an outage come with a failed task, which these restarts cover
 * (docs/operations.md, "Broker outages").
 */
public final class LocalRecovery {
    private LocalRecovery() {}

    /** The first restart comes quickly: most failures are a blip. */
    public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

    public static final double BACKOFF_MULTIPLIER = 2.0;

    /** The longest wait between attempts, so also how long after the broker's return the job may still wait. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Flink's default: each delay up to a tenth longer or shorter. {@link #minimumRideOut()} counts the shortest. */
    public static final double JITTER = 0.1;

    /**
     * A run that has gone this long since its last restart without failing starts counting attempts afresh:
     * the next outage gets the whole budget. Well above the minute an attempt takes to fail during an outage,
     * so the attempts of one outage are counted together.
     */
    public static final Duration RESET_AFTER = Duration.ofMinutes(10);

    /** Restarts in a row before the run fails for good: at least {@link #minimumRideOut()} of waiting. */
    public static final int ATTEMPTS = 35;

    /** Quick attempts for a run that depends on nothing outside the process. */
    public static final int IN_PROCESS_ATTEMPTS = 2;

    public static final Duration IN_PROCESS_DELAY = Duration.ofSeconds(2);

    /** Whether the run depends on a Kafka broker: it reads the input topics, or writes the output topics. */
    public static boolean usesKafka(Configuration options) {
        return options.get(JobOptions.SOURCE) == SourceKind.kafka || new Outputs(options).kind() == OutputKind.kafka;
    }

    /** The restart strategy of a local run with these options, as Flink settings. */
    public static Configuration restartStrategy(Configuration options) {
        Configuration flink = new Configuration();
        if (usesKafka(options)) {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, INITIAL_BACKOFF);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, BACKOFF_MULTIPLIER);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, MAX_BACKOFF);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, JITTER);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, RESET_AFTER);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, ATTEMPTS);
        } else {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, IN_PROCESS_ATTEMPTS);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, IN_PROCESS_DELAY);
        }
        return flink;
    }

    /**
     * The least time a run that uses Kafka keeps trying before it fails for good: the sum of the {@link #ATTEMPTS}
     * delays, each as short as the jitter allows, as if every restart failed at once. Restarts during an outage
     * fail only after the Kafka clients' time-outs, so the real figure is longer. The delay before restart
     * {@code k} (from 0) is Flink's {@code max(initial, min(initial * multiplier^k +- jitter, max))}.
     */
    public static Duration minimumRideOut() {
        long total = 0;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long backoff = (long) (INITIAL_BACKOFF.toMillis() * Math.pow(BACKOFF_MULTIPLIER, attempt));
            long shortest = backoff - (long) (backoff * JITTER);
            total += Math.max(INITIAL_BACKOFF.toMillis(), Math.min(shortest, MAX_BACKOFF.toMillis()));
        }
        return Duration.ofMillis(total);
    }
}
