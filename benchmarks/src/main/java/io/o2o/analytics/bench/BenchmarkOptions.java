package io.o2o.analytics.bench;

import io.o2o.analytics.simulator.SimulationSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline benchmark's command line ({@code bin/o2o-bench pipeline}). Every option is declared once, in
 * {@link #OPTIONS}: parsing and {@code --help} come from there.
 *
 * <p>The simulated input is fixed by default (start instant, seed, hash key): two runs with the same options
 * read byte-identical topics and hash the same devices, so their figures are comparable.
 */
public record BenchmarkOptions(
        String bootstrapServers,
        int customers,
        long seed,
        Instant start,
        Duration duration,
        int repeat,
        int parallelism,
        Duration checkpointInterval,
        String stateBackend,
        String topicPrefix,
        String workDir) {

    /** The instant the project's tests simulate from, so that benchmark input looks like test input. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-07T04:00:00Z");
    /**
     * Fixed so that hashed device ids, and with them the key groups and the state layout, are the same in
     * every run. Not a secret: it hashes simulated devices only.
     */
    public static final String BENCHMARK_HASH_KEY = "o2o-benchmark-hash-key-not-a-secret";

    /**
     * A command-line option: {@code --name ARGUMENT}, or a flag when it takes no argument. Shared with the other
     * benchmarks' command lines (the latency benchmark's), so that all parse and describe their options alike.
     */
    public record Option(String name, String argument, String defaultValue, String description) {
        public boolean flag() {
            return argument == null;
        }
    }

    static final Option BOOTSTRAP_SERVERS = new Option("bootstrap-servers", "HOST:PORT[,...]", null,
            "Kafka brokers; default: the broker of scripts/kafka.sh (127.0.0.1:$O2O_KAFKA_PORT, else 19092)");
    static final Option CUSTOMERS = new Option("customers", "N", "10000", "simulated customers");
    static final Option SEED = new Option("seed", "N", Long.toString(SimulationSettings.DEFAULT_SEED),
            "simulator seed");
    static final Option START = new Option("start", "INSTANT", DEFAULT_START.toString(),
            "start of the simulated window (fixed, so that reruns read the same records)");
    static final Option DURATION = new Option("duration", "DURATION", "2h", "length of the simulated window");
    static final Option REPEAT = new Option("repeat", "K", "1",
            "run the pass-through and the job K times each, alternated; report the median and the best (round 1 is cold)");
    static final Option PARALLELISM = new Option("parallelism", "N", "2", "parallelism of both pipelines");
    static final Option CHECKPOINT_INTERVAL = new Option("checkpoint.interval", "DURATION", "10s",
            "checkpoint interval of both pipelines");
    static final Option STATE_BACKEND = new Option("state.backend", "rocksdb|hashmap", "rocksdb",
            "state backend of both pipelines");
    static final Option TOPIC_PREFIX = new Option("topic-prefix", "PREFIX", "o2o-bench",
            "input topics are PREFIX-<customers>c-<seed>-<topic>; kept between runs and reused when complete");
    static final Option WORK_DIR = new Option("work-dir", "PATH", "target/bench-work",
            "checkpoints, the job's file outputs and the Flink log (emptied per run)");
    static final Option HELP = new Option("help", null, null, "print this help and exit");

    static final List<Option> OPTIONS = List.of(BOOTSTRAP_SERVERS, CUSTOMERS, SEED, START, DURATION, REPEAT,
            PARALLELISM, CHECKPOINT_INTERVAL, STATE_BACKEND, TOPIC_PREFIX, WORK_DIR, HELP);

    private static final Pattern SHORT_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    /** Thrown for a command line that cannot be run; the message says what to change. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static boolean wantsHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /**
     * @param defaultBootstrap used when {@code --bootstrap-servers} is not given (the launcher passes the
     *     project broker's address)
     */
    public static BenchmarkOptions parse(String[] args, String defaultBootstrap) {
        Map<Option, String> values = values(args, OPTIONS);
        String bootstrap = values.getOrDefault(BOOTSTRAP_SERVERS, defaultBootstrap);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new UsageException("no Kafka broker: pass --bootstrap-servers HOST:PORT");
        }
        int customers = (int) wholeNumber(values, CUSTOMERS, 1, SimulationSettings.MAX_CUSTOMERS);
        String backend = value(values, STATE_BACKEND);
        if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
            throw new UsageException("--state.backend must be rocksdb or hashmap, was '" + backend + "'");
        }
        Duration duration = duration(DURATION, value(values, DURATION));
        Instant start;
        try {
            start = Instant.parse(value(values, START).trim());
        } catch (DateTimeParseException e) {
            throw new UsageException("--start must be an ISO-8601 instant such as " + DEFAULT_START
                    + ", was '" + value(values, START) + "'");
        }
        String prefix = value(values, TOPIC_PREFIX);
        if (!prefix.matches("[A-Za-z0-9._-]+")) {
            throw new UsageException("--topic-prefix may hold letters, digits, '.', '_' and '-' only, was '" + prefix + "'");
        }
        return new BenchmarkOptions(
                bootstrap,
                customers,
                wholeNumber(values, SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                start,
                duration,
                (int) wholeNumber(values, REPEAT, 1, 100),
                (int) wholeNumber(values, PARALLELISM, 1, 64),
                duration(CHECKPOINT_INTERVAL, value(values, CHECKPOINT_INTERVAL)),
                backend,
                prefix,
                value(values, WORK_DIR));
    }

    /** The simulated input these options describe. */
    public SimulationSettings simulationSettings() {
        return SimulationSettings.builder().seed(seed).customers(customers).start(start).duration(duration).build();
    }

    /** Topic names carry customers and seed, so that inputs of different sizes never mix on one broker. */
    public String topicName(String stream) {
        return topicPrefix + "-" + customers + "c-" + seed + "-" + stream;
    }

    /**
     * The values given for {@code options}: {@code --name VALUE}, {@code --name=VALUE}, or {@code --name} alone for
     * a flag (then "true"). Options not given are absent.
     */
    public static Map<Option, String> values(String[] args, List<Option> options) {
        Map<Option, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            Option option = options.stream().filter(o -> o.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown option --" + name + " (see --help)"));
            if (option.flag()) {
                values.put(option, "true");
            } else if (equals >= 0) {
                values.put(option, arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                values.put(option, args[++i]);
            } else {
                throw new UsageException("--" + name + " needs a value: " + option.argument());
            }
        }
        return values;
    }

    /** One line per option, with its argument, description and default: the body of a --help. */
    public static String describe(List<Option> options) {
        StringBuilder text = new StringBuilder();
        for (Option option : options) {
            String left = "  --" + option.name() + (option.flag() ? "" : " " + option.argument());
            text.append(String.format(Locale.ROOT, "%-36s %s", left, option.description()));
            if (option.defaultValue() != null) {
                text.append(" (default: ").append(option.defaultValue()).append(')');
            }
            text.append('\n');
        }
        return text.toString();
    }

    public static String usage() {
        StringBuilder text = new StringBuilder()
                .append("Usage: o2o-bench [pipeline] [--start-kafka] [OPTION]...   |   o2o-bench fences [JMH OPTION]...\n")
                .append("pipeline: fills Kafka with simulated customers, then runs the stateless pass-through and the whole\n")
                .append("job, bounded, on one in-process MiniCluster, and prints records/s, CPU seconds, their ratio and the\n")
                .append("job's checkpoints. --start-kafka (bin/o2o-bench) starts scripts/kafka.sh first and stops it after.\n")
                .append("fences: JMH benchmarks of fence lookups against plain JTS ('o2o-bench fences -h': JMH's options).\n")
                .append("latency: ping to decision latency at a live input rate ('o2o-bench latency --help').\n\n");
        return text.append(describe(OPTIONS)).toString();
    }

    public static String value(Map<Option, String> values, Option option) {
        return values.getOrDefault(option, option.defaultValue());
    }

    public static long wholeNumber(Map<Option, String> values, Option option, long min, long max) {
        String text = value(values, option);
        long n;
        try {
            n = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option.name() + " must be a whole number, was '" + text + "'");
        }
        if (n < min || n > max) {
            throw new UsageException("--" + option.name() + " must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    /** 2h, 90m, 1h30m, 10s, or ISO-8601 (PT2H). */
    public static Duration duration(Option option, String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!text.isBlank() && m.matches()) {
            Duration d = Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
            if (!d.isZero()) {
                return d;
            }
        }
        try {
            Duration d = Duration.parse(text.trim());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new UsageException("--" + option.name() + " must be a duration such as 2h, 90m or 10s, was '" + text + "'");
    }

    private static long group(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
