package io.o2o.analytics.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorCliTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T15:07:42Z"), ZoneOffset.UTC);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SimulatorCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), NOW);
    }

    @Test
    void optionsBecomeSettings() {
        SimulationSettings settings = SimulatorCli.settings(SimulatorCli.parse(new String[] {
            "--seed", "7", "--customers=150", "--duration", "1h30m", "--bad-record-rate", "0.01",
            "--start", "2026-03-08T01:00:00Z", "--ping-interval", "20s"
        }), NOW);

        assertThat(settings).isEqualTo(SimulationSettings.builder()
                .seed(7)
                .customers(150)
                .duration(Duration.ofMinutes(90))
                .badRecordRate(0.01)
                .start(Instant.parse("2026-03-08T01:00:00Z"))
                .pingInterval(Duration.ofSeconds(20))
                .build());
        assertThat(SimulatorCli.settings(SimulatorCli.parse(new String[0]), NOW)).isEqualTo(SimulationSettings.defaults());
    }

    @Test
    void durationsAreWrittenAsPeopleWriteThem() {
        assertThat(SimulatorCli.parseDuration(SimulatorCli.DURATION, "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SimulatorCli.parseDuration(SimulatorCli.DURATION, "30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(SimulatorCli.parseDuration(SimulatorCli.DURATION, "1h15m30s")).isEqualTo(Duration.ofSeconds(4530));
        assertThat(SimulatorCli.parseDuration(SimulatorCli.DURATION, "PT45M")).isEqualTo(Duration.ofMinutes(45));
        assertThatThrownBy(() -> SimulatorCli.parseDuration(SimulatorCli.DURATION, "two hours"))
                .hasMessage("--duration must be a duration such as 2h, 90m or 1h30m, was 'two hours'");
    }

    @Test
    void theStartCanBeRelativeToNowForALiveRun() {
        assertThat(SimulatorCli.parseStart("now", NOW)).isEqualTo(Instant.parse("2026-11-25T15:07:00Z"));
        assertThat(SimulatorCli.parseStart("now-2h", NOW)).isEqualTo(Instant.parse("2026-11-25T13:07:00Z"));
        assertThatThrownBy(() -> SimulatorCli.parseStart("yesterday", NOW))
                .hasMessageStartingWith("--start must be an ISO-8601 instant");
    }

    @Test
    void mistakesAreReportedWithExitCodeTwo() {
        assertThat(run("--customers", "many")).isEqualTo(SimulatorCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--customers must be a whole number, was 'many'")
                .contains("--help");
        assertThat(run("--colour", "blue")).isEqualTo(SimulatorCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --colour");
        assertThat(run("--seed")).isEqualTo(SimulatorCli.USAGE);
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("--help")).isEqualTo(SimulatorCli.OK);

        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(SimulatorCli.OPTIONS).allSatisfy(option -> assertThat(help).contains("--" + option.name()));
        assertThat(help).contains("--topic.lbs-pings NAME").contains("(default: 2026-03-07T02:00:00Z)");
    }

    @Test
    void theDocumentationShowsTheOptionsAsTheyAre() throws Exception {
        Path doc = Path.of("..", "docs", "simulator.md");

        assertThat(Files.readString(doc)).contains(SimulatorCli.optionsTable());
    }

    @Test
    void aDryRunWritesTheTruthFileAndProducesNothing(@TempDir Path dir) throws Exception {
        Path truthFile = dir.resolve("out/truth.json");

        int exit = run("--customers", "40", "--duration", "1h", "--truth-file", truthFile.toString(), "--dry-run",
                "--bootstrap-servers", "127.0.0.1:1");

        assertThat(exit).isEqualTo(SimulatorCli.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Simulated 40 customers around 30 stores")
                .contains("lbs-pings")
                .contains("Ground truth written to");
        JsonNode truth = new ObjectMapper().readTree(truthFile.toFile());
        assertThat(truth.get("settings").get("customers").asInt()).isEqualTo(40);
        assertThat(truth.get("summary").get("records").asLong()).isPositive();
    }
}
