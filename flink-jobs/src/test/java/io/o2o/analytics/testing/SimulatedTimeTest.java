package io.o2o.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.JobOptions;
import io.o2o.analytics.job.LocationAnalyticsJob;
import io.o2o.analytics.offers.OfferPolicy;
import io.o2o.analytics.offers.OfferRule;
import io.o2o.analytics.offers.OfferRuleChange;
import io.o2o.analytics.offers.OfferRuleParser;
import io.o2o.analytics.zones.StoreHours;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The integration tests' simulated time is a fixed instant at which the sample city is open for business, and no
 * test or test script picks a simulated time from the wall clock: what they check cannot depend on the hour or
 * weekday they run at.
 */
class SimulatedTimeTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    /** Reading the wall clock to choose a time; timeouts and elapsed times (nanoTime) are not that. */
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "\\b(Instant|LocalDate|LocalDateTime|LocalTime|ZonedDateTime|OffsetDateTime|Year|YearMonth)\\.now\\("
                    + "|Clock\\.system|System\\.currentTimeMillis\\(");
    /**
     * The test sources that read the wall clock, and why that is no simulated time: a unique database name; the
     * run's minutes, where Flink's metric reporter stamps its points; the reporter's own stamp.
     */
    private static final Set<String> WALL_CLOCK_READERS = Set.of(
            "flink-jobs/src/test/java/io/o2o/analytics/testing/InfluxTestServer.java",
            "flink-jobs/src/test/java/io/o2o/analytics/dashboards/DashboardQueriesITCase.java",
            "influx-reporter/src/test/java/io/o2o/analytics/influx/reporter/InfluxDbReporterTest.java");
    private static final List<String> TEST_SOURCES = List.of(
            "flink-jobs/src/test/java", "geo-fences/src/test/java", "influx-reporter/src/test/java");

    @Test
    void theStartIsSaturdayNoonInShanghai() {
        ZonedDateTime local = SimulatedTime.START.atZone(SHANGHAI);
        assertThat(local.getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
        assertThat(local.toLocalTime()).isEqualTo(LocalTime.NOON);
    }

    @Test
    void everyStoreIsOpenAndEverySampleOfferRuleRunsOutsideTheQuietHoursThroughoutTheWindow() throws Exception {
        Configuration options = CommandLine.parse(new String[0]);
        FenceCatalog fences = FenceCatalog.load(options.get(JobOptions.FENCES));
        List<OfferRuleChange> changes = LocationAnalyticsJob.fileRules(options, fences);
        OfferRuleParser parser = LocationAnalyticsJob.offerRuleParser(options, fences);
        List<OfferRule> rules = changes.stream().map(c -> parser.fromValidJson(c.ruleJson())).toList();
        Map<String, StoreHours> opening = StoreHours.of(fences);
        LocalTime[] quiet = OfferPolicy.parseQuietHours(JobOptions.OFFERS_QUIET_HOURS.defaultValue());
        assertThat(rules).as("the sample offer rules").hasSizeGreaterThan(3);
        assertThat(rules).as("rules with a schedule").anyMatch(r -> r.schedule().opens() != null);
        assertThat(opening).as("stores with opening hours").hasSizeGreaterThan(10);

        List<String> closed = new ArrayList<>();
        for (Instant t = SimulatedTime.START; t.isBefore(SimulatedTime.START.plus(SimulatedTime.WINDOW));
                t = t.plus(Duration.ofMinutes(1))) {
            for (StoreFence store : fences.stores()) {
                StoreHours hours = opening.get(store.id());
                ZonedDateTime local = t.atZone(hours == null ? SHANGHAI : hours.zone());
                if (hours != null && !hours.open(local)) {
                    closed.add(store.id() + " closed at " + local);
                }
                if (quietAt(quiet, local.toLocalTime())) {
                    closed.add("quiet hours at " + store.id() + " at " + local);
                }
                for (OfferRule rule : rules) {
                    if ((rule.stores().isEmpty() || rule.stores().contains(store.id()))
                            && !runs(rule.schedule(), local, hours)) {
                        closed.add(rule.id() + " does not run at " + store.id() + " at " + local);
                    }
                }
            }
        }
        assertThat(closed).isEmpty();
    }

    private static boolean quietAt(LocalTime[] quiet, LocalTime time) {
        if (quiet[0] == null) {
            return false;
        }
        return quiet[0].isBefore(quiet[1])
                ? !time.isBefore(quiet[0]) && time.isBefore(quiet[1])
                : !time.isBefore(quiet[0]) || time.isBefore(quiet[1]);
    }

    private static boolean runs(OfferRule.Schedule schedule, ZonedDateTime local, StoreHours hours) {
        Instant at = local.toInstant();
        return (schedule.from() == null || !at.isBefore(schedule.from()))
                && (schedule.until() == null || at.isBefore(schedule.until()))
                && (schedule.days().isEmpty() || schedule.days().contains(local.getDayOfWeek()))
                && (schedule.opens() == null || !local.toLocalTime().isBefore(schedule.opens())
                        && local.toLocalTime().isBefore(schedule.closes()))
                && (!schedule.openingHoursOnly() || hours == null || hours.open(local));
    }

    @Test
    void noTestSourceChoosesATimeFromTheWallClock() throws IOException {
        List<String> readers = new ArrayList<>();
        for (String folder : TEST_SOURCES) {
            try (Stream<Path> files = Files.walk(root().resolve(folder))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (WALL_CLOCK.matcher(Files.readString(file)).find()) {
                        readers.add(root().relativize(file).toString().replace('\\', '/'));
                    }
                }
            }
        }
        assertThat(readers).as("test sources that read the wall clock").containsExactlyInAnyOrderElementsOf(WALL_CLOCK_READERS);
    }

    @Test
    void theClusterTestWritesItsTwoHoursFromTheSameStart() throws IOException {
        String script = Files.readString(root().resolve("scripts/cluster-submission-test.sh"));
        assertThat(script).contains("SIMULATED_START=\"" + SimulatedTime.START + "\"");
        // The hours come from that start, never from the date command's current time.
        assertThat(script).doesNotContainPattern("now_minute|date \\+%s\\)\\s*/\\s*60");
    }

    /** The repository root: the first folder upwards from the working directory with a scripts/ folder and a pom. */
    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/cluster-submission-test.sh")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no scripts/cluster-submission-test.sh above " + Path.of("").toAbsolutePath());
    }
}
