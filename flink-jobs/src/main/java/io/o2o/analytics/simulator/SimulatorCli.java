package io.o2o.analytics.simulator;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import io.o2o.analytics.records.InputTopic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the city simulator and produces its records to Kafka ({@code bin/o2o-simulator}). Every option is
 * declared once, in {@link #OPTIONS}: parsing, {@code --help} and the table in docs/simulator.md all come
 * from there.
 */
public final class SimulatorCli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** A command-line option: {@code --name ARGUMENT}, or a flag when it takes no argument. */
    record Option(String name, String argument, String defaultValue, String description) {

        boolean flag() {
            return argument == null;
        }
    }

    static final Option BOOTSTRAP_SERVERS = new Option("bootstrap-servers", "HOST:PORT[,...]", "localhost:9092",
            "Kafka brokers to produce to");
    static final Option FENCES = new Option("fences", "LOCATION", FenceCatalog.SAMPLE_CITY,
            "fence file: a path, or classpath:RESOURCE");
    static final Option SEED = new Option("seed", "N", Long.toString(SimulationSettings.DEFAULT_SEED),
            "random seed; the same seed and settings give the same records");
    static final Option CUSTOMERS = new Option("customers", "N", Integer.toString(SimulationSettings.DEFAULT_CUSTOMERS),
            "customers to simulate");
    static final Option START = new Option("start", "INSTANT|now|now-DURATION",
            SimulationSettings.DEFAULT_START.toString(),
            "start of the simulated window; now-2h ends the window at the current minute");
    static final Option DURATION = new Option("duration", "DURATION", "2h",
            "length of the simulated window, e.g. 2h, 90m, 1h30m (45m to 14 days)");
    static final Option PING_INTERVAL = new Option("ping-interval", "DURATION", "30s",
            "mean time between two location pings of a phone on the move");
    static final Option SPEED = new Option("speed", "X", "0",
            "simulated seconds per wall-clock second (60: an hour a minute); 0 produces as fast as possible");
    static final Option BAD_RECORD_RATE = new Option("bad-record-rate", "RATE",
            Double.toString(SimulationSettings.DEFAULT_BAD_RECORD_RATE), "share of all records that are broken on purpose");
    static final Option TRUTH_FILE = new Option("truth-file", "PATH", null,
            "write the ground truth as JSON to this file");
    static final Option DRY_RUN = new Option("dry-run", null, null,
            "simulate (and write the truth file) without producing to Kafka");
    static final Option HELP = new Option("help", null, null, "print this help and exit");

    static final List<Option> OPTIONS;

    static {
        List<Option> options = new ArrayList<>(List.of(BOOTSTRAP_SERVERS));
        for (InputTopic topic : InputTopic.values()) {
            options.add(topicOption(topic));
        }
        options.addAll(List.of(
                FENCES, SEED, CUSTOMERS, START, DURATION, PING_INTERVAL, SPEED, BAD_RECORD_RATE, TRUTH_FILE, DRY_RUN,
                HELP));
        OPTIONS = List.copyOf(options);
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    /** Kafka's default for log.message.timestamp.after.max.ms: records further ahead of the broker are refused. */
    private static final Duration KAFKA_MAX_FUTURE = Duration.ofHours(1);
    /** Within this, a broker's retention (often one day on test brokers) will not delete the records at once. */
    private static final Duration KAFKA_SAFE_PAST = Duration.ofDays(1);

    private SimulatorCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Map<Option, String> values;
        SimulationSettings settings;
        double speed;
        try {
            values = parse(args);
            if (values.containsKey(HELP)) {
                out.print(usage());
                return OK;
            }
            settings = settings(values, clock);
            speed = parseDouble(SPEED, value(values, SPEED));
        } catch (IllegalArgumentException e) {
            err.println("o2o-simulator: " + e.getMessage());
            err.println("Try 'o2o-simulator --help'.");
            return USAGE;
        }
        try {
            FenceCatalog fences = FenceCatalog.load(value(values, FENCES));
            long started = System.nanoTime();
            Simulation simulation = new CitySimulator(fences, settings).run();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            out.print(summary(simulation, fences, tookMillis));
            if (values.containsKey(TRUTH_FILE)) {
                Path truthFile = Path.of(values.get(TRUTH_FILE));
                simulation.truth().writeJson(truthFile);
                out.println("Ground truth written to " + truthFile.toAbsolutePath());
            }
            if (values.containsKey(DRY_RUN)) {
                return OK;
            }
            warnAboutBrokerClock(settings, clock, err);
            Map<InputTopic, String> topics = topics(values);
            try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(value(values, BOOTSTRAP_SERVERS), topics)) {
                out.println("Producing to " + value(values, BOOTSTRAP_SERVERS) + " " + topics.values()
                        + (speed > 0 ? " at " + speed + "x" : " as fast as possible"));
                long sent = writer.write(simulation, speed,
                        (done, total) -> err.printf(Locale.ROOT, "  %,d of %,d records sent%n", done, total));
                out.printf(Locale.ROOT, "Produced %,d records%n", sent);
            }
            return OK;
        } catch (FenceFileException | IOException e) {
            err.println("o2o-simulator: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("o2o-simulator: interrupted");
            return FAILED;
        } catch (RuntimeException e) {
            err.println("o2o-simulator: " + e);
            return FAILED;
        }
    }

    /** {@code --name value}, {@code --name=value} or {@code --flag}; unknown options are errors. */
    static Map<Option, String> parse(String[] args) {
        Map<Option, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            Option option = OPTIONS.stream()
                    .filter(o -> o.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown option --" + name));
            if (option.flag()) {
                if (equals >= 0) {
                    throw new IllegalArgumentException("--" + name + " takes no value");
                }
                values.put(option, "true");
            } else if (equals >= 0) {
                values.put(option, arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(option, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value: " + option.argument());
            }
        }
        return values;
    }

    static SimulationSettings settings(Map<Option, String> values, Clock clock) {
        long customers = parseLong(CUSTOMERS, value(values, CUSTOMERS));
        if (customers < 0 || customers > SimulationSettings.MAX_CUSTOMERS) {
            throw new IllegalArgumentException(
                    "--customers must be between 0 and " + SimulationSettings.MAX_CUSTOMERS + ", was " + customers);
        }
        return SimulationSettings.builder()
                .seed(parseLong(SEED, value(values, SEED)))
                .customers((int) customers)
                .start(parseStart(value(values, START), clock))
                .duration(parseDuration(DURATION, value(values, DURATION)))
                .pingInterval(parseDuration(PING_INTERVAL, value(values, PING_INTERVAL)))
                .badRecordRate(parseDouble(BAD_RECORD_RATE, value(values, BAD_RECORD_RATE)))
                .build();
    }

    /** 2h, 90m, 1h30m, 45s, or ISO-8601 (PT2H). */
    static Duration parseDuration(Option option, String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!text.isBlank() && m.matches()) {
            return Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--" + option.name() + " must be a duration such as 2h, 90m or 1h30m, was '" + text + "'");
        }
    }

    /** An ISO-8601 instant, {@code now} (the current minute) or {@code now-DURATION}. */
    static Instant parseStart(String text, Clock clock) {
        String trimmed = text.trim();
        if (trimmed.startsWith("now")) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
            String rest = trimmed.substring(3);
            if (rest.isEmpty()) {
                return now;
            }
            if (rest.startsWith("-")) {
                return now.minus(parseDuration(START, rest.substring(1)));
            }
        }
        try {
            return Instant.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--" + START.name() + " must be an ISO-8601 instant such as "
                    + SimulationSettings.DEFAULT_START + ", now or now-2h, was '" + text + "'");
        }
    }

    static String usage() {
        StringBuilder text = new StringBuilder()
                .append("Usage: o2o-simulator [OPTION]...\n")
                .append("Simulates shoppers in a city of stores and produces the engine's input records to Kafka.\n\n");
        for (Option option : OPTIONS) {
            String left = "  --" + option.name() + (option.flag() ? "" : " " + option.argument());
            text.append(String.format(Locale.ROOT, "%-40s %s", left, option.description()));
            if (option.defaultValue() != null) {
                text.append(" (default: ").append(option.defaultValue()).append(')');
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** The options as a Markdown table, as docs/simulator.md shows them. */
    static String optionsTable() {
        StringBuilder table = new StringBuilder("| Option | Default | Meaning |\n|---|---|---|\n");
        for (Option option : OPTIONS) {
            // A bare | would end the table cell, even inside a code span.
            String usage = ("--" + option.name() + (option.flag() ? "" : " " + option.argument())).replace("|", "\\|");
            table.append("| `").append(usage).append("` | ")
                    .append(option.defaultValue() == null ? "" : "`" + option.defaultValue() + "`")
                    .append(" | ").append(option.description()).append(" |\n");
        }
        return table.toString();
    }

    static String summary(Simulation simulation, FenceCatalog fences, long tookMillis) {
        GroundTruth truth = simulation.truth();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Simulated %,d customers around %d stores (%s) in %,d ms: %,d records%n",
                truth.settings().customers(), fences.stores().size(), fences.source(), tookMillis,
                simulation.records().size()));
        truth.recordsPerTopic().forEach((topic, count) ->
                text.append(String.format(Locale.ROOT, "  %-18s %,9d%n", topic.defaultTopicName(), count)));
        text.append(String.format(Locale.ROOT,
                "Truth: %,d visits, %,d pass-bys, %,d entries, %,d conversions (%,d with a purchase), %,d bad records%n",
                truth.visits().size(), truth.passBys().size(), truth.entries().size(), truth.conversions().size(),
                truth.conversions().stream().filter(c -> c.purchaseMillis() != null).count(),
                truth.badRecords().size()));
        text.append(String.format(Locale.ROOT,
                "       %,d conversions identifiable, %,d offline-to-online journeys, %.1f %% of visits known%n",
                truth.identifiableConversions().size(), truth.offlineToOnline().size(), 100 * truth.knownVisitShare()));
        return text.toString();
    }

    private static void warnAboutBrokerClock(SimulationSettings settings, Clock clock, PrintStream err) {
        Instant now = clock.instant();
        Instant end = settings.start().plus(settings.duration());
        if (settings.start().isBefore(now.minus(KAFKA_SAFE_PAST)) || end.isAfter(now.plus(KAFKA_MAX_FUTURE))) {
            err.println("o2o-simulator: warning: the records are timestamped " + settings.start() + " to " + end
                    + ". A broker deletes records older than its retention within minutes, and refuses records more"
                    + " than log.message.timestamp.after.max.ms (1 h by default) ahead of its clock. For a live run,"
                    + " use --start now-" + formatDuration(settings.duration()) + ".");
        }
    }

    private static String formatDuration(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }

    private static Map<InputTopic, String> topics(Map<Option, String> values) {
        Map<InputTopic, String> topics = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            topics.put(topic, value(values, topicOption(topic)));
        }
        return topics;
    }

    private static Option topicOption(InputTopic topic) {
        return new Option("topic." + topic.defaultTopicName(), "NAME", topic.defaultTopicName(),
                "Kafka topic for the " + topic.defaultTopicName() + " stream");
    }

    private static String value(Map<Option, String> values, Option option) {
        return values.getOrDefault(option, option.defaultValue());
    }

    private static long parseLong(Option option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option.name() + " must be a whole number, was '" + text + "'");
        }
    }

    private static double parseDouble(Option option, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option.name() + " must be a number, was '" + text + "'");
        }
    }

    private static long group(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
