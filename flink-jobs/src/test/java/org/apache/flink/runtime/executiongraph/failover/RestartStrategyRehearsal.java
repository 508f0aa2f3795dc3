package org.apache.flink.runtime.executiongraph.failover;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.util.clock.ManualClock;

/**
 * Runs Flink's own restart strategy, as configured, on a manual clock: how long it keeps restarting a job whose every
 * attempt fails at once. In Flink's package because the strategies take a clock only there; test code only.
 */
public final class RestartStrategyRehearsal {
    private RestartStrategyRehearsal() {}

    /** The time from the first failure to the one the strategy gives up on, every restart failing at once. */
    public static Duration untilItGivesUp(Configuration flink) {
        ManualClock clock = new ManualClock(Duration.ofDays(1).toNanos());
        long start = clock.absoluteTimeMillis();
        RestartBackoffTimeStrategy strategy = strategy(flink, clock);
        RuntimeException failure = new RuntimeException("the broker is away");
        strategy.notifyFailure(failure);
        while (strategy.canRestart()) {
            clock.advanceTime(Duration.ofMillis(strategy.getBackoffTime()));
            // The restarted attempt fails the moment it runs.
            clock.advanceTime(Duration.ofMillis(1));
            strategy.notifyFailure(failure);
        }
        return Duration.ofMillis(clock.absoluteTimeMillis() - start);
    }

    private static RestartBackoffTimeStrategy strategy(Configuration flink, ManualClock clock) {
        String type = flink.get(RestartStrategyOptions.RESTART_STRATEGY);
        switch (type) {
            case "exponential-delay":
                return new ExponentialDelayRestartBackoffTimeStrategy(
                        clock,
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF).toMillis(),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF).toMillis(),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD)
                                .toMillis(),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
            case "fixed-delay":
                return new FixedDelayRestartBackoffTimeStrategy(
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS),
                        flink.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY).toMillis());
            default:
                throw new IllegalArgumentException("no rehearsal for restart strategy " + type);
        }
    }
}
