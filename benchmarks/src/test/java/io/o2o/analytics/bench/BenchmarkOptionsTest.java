package io.o2o.analytics.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {
    private static final String PROJECT_BROKER = "127.0.0.1:19092";

    @Test
    void defaultsDescribeTheDocumentedRun() {
        BenchmarkOptions options = BenchmarkOptions.parse(new String[0], PROJECT_BROKER);

        assertThat(options.bootstrapServers()).isEqualTo(PROJECT_BROKER);
        assertThat(options.customers()).isEqualTo(10_000);
        assertThat(options.start()).isEqualTo(BenchmarkOptions.DEFAULT_START);
        assertThat(options.parallelism()).isEqualTo(2);
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.stateBackend()).isEqualTo("rocksdb");
        assertThat(options.repeat()).isEqualTo(1);
        assertThat(options.topicName("lbs-pings")).isEqualTo("o2o-bench-10000c-42-lbs-pings");
    }

    @Test
    void readsBothSpellingsOfAValue() {
        BenchmarkOptions options = BenchmarkOptions.parse(new String[] {
                "--bootstrap-servers=kafka-1:9092", "--customers", "1000", "--repeat=3", "--state.backend", "hashmap",
                "--checkpoint.interval", "2s", "--duration", "1h30m"}, PROJECT_BROKER);

        assertThat(options.bootstrapServers()).isEqualTo("kafka-1:9092");
        assertThat(options.customers()).isEqualTo(1000);
        assertThat(options.repeat()).isEqualTo(3);
        assertThat(options.stateBackend()).isEqualTo("hashmap");
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.simulationSettings().duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(options.topicName("visits")).isEqualTo("o2o-bench-1000c-42-visits");
    }

    @Test
    void refusesWhatCannotRun() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--customers", "many"}, PROJECT_BROKER))
                .hasMessage("--customers must be a whole number, was 'many'");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--customers", "0"}, PROJECT_BROKER))
                .hasMessage("--customers must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--state.backend", "forst"}, PROJECT_BROKER))
                .hasMessage("--state.backend must be rocksdb or hashmap, was 'forst'");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--speed", "2"}, PROJECT_BROKER))
                .hasMessage("unknown option --speed (see --help)");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--repeat"}, PROJECT_BROKER))
                .hasMessage("--repeat needs a value: K");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--checkpoint.interval", "0s"}, PROJECT_BROKER))
                .hasMessageStartingWith("--checkpoint.interval must be a duration");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[0], null))
                .hasMessage("no Kafka broker: pass --bootstrap-servers HOST:PORT");
    }

    @Test
    void helpListsEveryOption() {
        String usage = BenchmarkOptions.usage();
        BenchmarkOptions.OPTIONS.forEach(option -> assertThat(usage).contains("--" + option.name()));
        assertThat(usage).contains("--start-kafka");
    }
}
