package io.o2o.analytics.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyOptionsTest {
    private static final String PROJECT_BROKER = "127.0.0.1:19092";

    @Test
    void defaultsDescribeAShortLiveRunOfTheJobsDefaults() {
        LatencyOptions options = LatencyOptions.parse(new String[0], PROJECT_BROKER);

        assertThat(options.customers()).isEqualTo(2000);
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(8));
        // Exit timeout 3 min + out-of-orderness 1 min + idleness 1 min + 2 min to spare.
        assertThat(options.tail()).isEqualTo(Duration.ofMinutes(7));
        assertThat(options.checkpointInterval()).isNull();
        assertThat(options.keepTopics()).isFalse();
        // 30 min of warm-up, the 15 min fed, 30 min after: the feed in the middle of the simulated day.
        assertThat(options.warmUp()).isEqualTo(Duration.ofMinutes(30));
        assertThat(options.simulatedWindow()).isEqualTo(Duration.ofMinutes(75));
    }

    @Test
    void readsItsOptions() {
        LatencyOptions options = LatencyOptions.parse(new String[] {"--customers=500", "--duration", "1h",
                "--tail", "6m", "--checkpoint.interval", "2s", "--keep-topics", "--bootstrap-servers", "k:9092"},
                PROJECT_BROKER);

        assertThat(options.customers()).isEqualTo(500);
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.keepTopics()).isTrue();
        assertThat(options.bootstrapServers()).isEqualTo("k:9092");
        assertThat(options.simulatedWindow()).isEqualTo(Duration.ofMinutes(126));
    }

    @Test
    void aCityWithoutWarmUpStartsEmptyAndIsSimulatedForTheSimulatorsShortestWindow() {
        LatencyOptions options = LatencyOptions.parse(new String[] {"--warm-up", "0", "--duration", "5m", "--tail", "5m"},
                PROJECT_BROKER);

        assertThat(options.warmUp()).isZero();
        assertThat(options.simulatedWindow()).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void refusesWhatCannotRun() {
        assertThatThrownBy(() -> LatencyOptions.parse(new String[] {"--speed", "2"}, PROJECT_BROKER))
                .hasMessage("unknown option --speed (see --help)");
        assertThatThrownBy(() -> LatencyOptions.parse(new String[] {"--tail", "0s"}, PROJECT_BROKER))
                .hasMessageStartingWith("--tail must be a duration");
        assertThatThrownBy(() -> LatencyOptions.parse(new String[0], null))
                .hasMessage("no Kafka broker: pass --bootstrap-servers HOST:PORT");
    }

    @Test
    void helpListsEveryOption() {
        String usage = LatencyOptions.usage();
        LatencyOptions.OPTIONS.forEach(option -> assertThat(usage).contains("--" + option.name()));
    }
}
