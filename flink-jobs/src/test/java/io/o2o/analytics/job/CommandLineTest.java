package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void optionsAreTypedAndDefaultsApply() {
        Configuration options = CommandLine.parse(new String[] {
            "--source", "kafka", "--bounded", "--topic.lbs-pings=pings-v2", "--visits.min-dwell", "4 min"
        });
        assertThat(options.get(JobOptions.SOURCE)).isEqualTo(JobOptions.SourceKind.kafka);
        assertThat(options.get(JobOptions.BOUNDED)).isTrue();
        assertThat(options.get(JobOptions.INPUT_TOPICS.get(io.o2o.analytics.records.InputTopic.LBS_PINGS)))
                .isEqualTo("pings-v2");
        assertThat(options.get(JobOptions.MIN_DWELL)).isEqualTo(Duration.ofMinutes(4));
        assertThat(options.get(JobOptions.PARALLELISM)).isEqualTo(2);
    }

    @Test
    void aTypoIsAnErrorNotASilentDefault() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--fence", "x.geojson"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("Unknown option --fence (see --help)");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--parallelism", "two"}))
                .hasMessageStartingWith("Bad value for --parallelism");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--fences"}))
                .hasMessage("Option --fences needs a value");
    }

    @Test
    void helpAndTheReadmeTableListEveryOption() {
        String help = CommandLine.help();
        String table = CommandLine.markdownTable();
        for (ConfigOption<?> option : JobOptions.all()) {
            assertThat(help).contains("--" + option.key());
            assertThat(table).contains("`--" + option.key() + "`");
            assertThat(CommandLine.description(option)).as(option.key()).isNotBlank();
        }
    }

    @Test
    void theReadmeOptionTableIsCurrent() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        assertThat(readme).as("README.md option table; regenerate with CommandLine.markdownTable()")
                .contains(CommandLine.markdownTable());
    }

    @Test
    void anInlineInfluxDbTokenIsRefusedWithWhereTheTokenGoesInstead() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--influxdb.token", "s3cret"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--influxdb.token is no longer an option: a token given to the job would travel inside "
                        + "the job graph. Give the TaskManagers the token in the environment variable "
                        + "O2O_INFLUXDB_TOKEN, or in a file named by --influxdb.token-file (docs/operations.md, Secrets).")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--influxdb.token=s3cret"}))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--influxdb.token is no longer an option");
    }
}
