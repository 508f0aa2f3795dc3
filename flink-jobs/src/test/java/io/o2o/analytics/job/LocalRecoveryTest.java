package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.o2o.analytics.testing.TestHashKeys;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.failover.ExponentialDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.FixedDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategyFactoryLoader;
import org.apache.flink.runtime.executiongraph.failover.RestartStrategyRehearsal;
import org.junit.jupiter.api.Test;

class LocalRecoveryTest {
    /** The target: broker maintenance of five minutes. */
    private static final Duration FIVE_MINUTE_OUTAGE = Duration.ofMinutes(5);

    private static Configuration launcherConfiguration(String... args) {
        return LocalLauncher.flinkConfiguration(JobSetup.of(
                TestHashKeys.withKeyFile(CommandLine.parse(args), "local-recovery-test-key-0123456789"), Map.of()));
    }

    @Test
    void aRunAgainstKafkaRestartsWithAnExponentialDelayThatFlinkUnderstands() {
        for (Configuration flink : new Configuration[] {
            launcherConfiguration("--source", "kafka"),
            launcherConfiguration("--source", "kafka", "--outputs", "files", "--bounded"),
            // The simulator writing to Kafka topics loses its sinks with the broker just as well.
            launcherConfiguration("--outputs", "kafka")
        }) {
            assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
            assertThat(RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(
                            new Configuration(), flink, true))
                    .isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.ExponentialDelayRestartBackoffTimeStrategyFactory.class);
        }
    }

    @Test
    void aRunAgainstKafkaRidesOutMuchMoreThanFiveMinutesOfFailedRestarts() {
        Configuration flink = launcherConfiguration("--source", "kafka");
        // Flink's own strategy, every restart failing at once: the shortest time it keeps going.
        Duration rehearsed = RestartStrategyRehearsal.untilItGivesUp(flink);
        assertThat(rehearsed).isGreaterThanOrEqualTo(LocalRecovery.minimumRideOut());
        assertThat(LocalRecovery.minimumRideOut()).isGreaterThanOrEqualTo(FIVE_MINUTE_OUTAGE.multipliedBy(3));
        // And it gives up in the end: a broker that never comes back fails the run within the hour.
        assertThat(rehearsed).isLessThan(Duration.ofMinutes(20));
    }

    @Test
    void aSimulatedRunWithFileOutputsFailsVisiblyAfterTwoQuickAttempts() {
        Configuration flink = launcherConfiguration();
        assertThat(RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(
                        new Configuration(), flink, true))
                .isInstanceOf(FixedDelayRestartBackoffTimeStrategy.FixedDelayRestartBackoffTimeStrategyFactory.class);
        // Nothing outside the process to wait for: a failure is a bug or a full disk, shown within seconds.
        assertThat(RestartStrategyRehearsal.untilItGivesUp(flink)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theGeoOffersTransactionsOutliveAFiveMinuteOutage() {
        Duration timeout = JobOptions.OFFERS_TRANSACTION_TIMEOUT.defaultValue();
        // Open from one checkpoint to the next, then waiting through the outage and the restart after it.
        Duration needed = JobOptions.CHECKPOINT_INTERVAL.defaultValue().plus(FIVE_MINUTE_OUTAGE)
                .plus(LocalRecovery.MAX_BACKOFF);
        assertThat(timeout).isGreaterThan(needed)
                // The broker's default transaction.max.timeout.ms: a longer one is refused when the sink starts.
                .isLessThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aTransactionTimeoutWithinOneCheckpointIntervalIsRefused() {
        assertThatThrownBy(() -> launcherConfiguration(
                        "--source", "kafka", "--checkpoint.interval", "2 min", "--offers.transaction-timeout", "1 min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--offers.transaction-timeout (1 min) must be longer than --checkpoint.interval (2 min): a "
                        + "geo-offers transaction stays open until the next checkpoint commits it, and the broker "
                        + "would abort it first");
    }
}
