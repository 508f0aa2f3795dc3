package io.o2o.analytics.bench.latency;

import io.o2o.analytics.bench.BenchmarkOptions;
import io.o2o.analytics.bench.BenchmarkOptions.Option;
import io.o2o.analytics.bench.BenchmarkOptions.UsageException;
import io.o2o.analytics.job.JobOptions;
import io.o2o.analytics.simulator.SimulationSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The latency benchmark's command line ({@code bin/o2o-bench latency}). Every option is declared once, in
 * {@link #OPTIONS}: parsing and {@code --help} come from there, as for the pipeline benchmark.
 *
 * @param warmUp how long before the feed the city is simulated from, so that the feed starts with people already
 *     about (what they did before is not replayed: their pings and sensor readings before the feed are left out,
 *     their identity links, preferences, online activity and purchases are written just before it); zero for a city
 *     that starts empty
 * @param duration the measured window: decisions count when the input that made them possible was appended in it
 * @param tail how long the feed goes on after the window, so that event time moves on and the window's last
 *     decisions are made (a paused feed would let every partition fall idle, and the watermark would stop)
 * @param checkpointInterval null for the job's default
 */
public record LatencyOptions(
        String bootstrapServers,
        int customers,
        long seed,
        Duration warmUp,
        Duration duration,
        Duration tail,
        Duration checkpointInterval,
        String topicPrefix,
        String workDir,
        boolean keepTopics,
        boolean knownPhones) {

    /**
     * The slowest decision of the window is a pass-by or an exit at its very end: decided once the watermark is an
     * exit timeout past its last ping, and the watermark trails the feed by the out-of-orderness, by up to the
     * idleness more while a sparse partition is quiet, and by that partition's last upload delay (the simulator's
     * phones upload up to 30 s late). With the job's defaults 3 + 1 + 1 minutes and the delays: the slowest pass-by
     * measured took 340 s. Two minutes to spare.
     */
    static final Duration DEFAULT_TAIL = JobOptions.EXIT_TIMEOUT.defaultValue()
            .plus(JobOptions.WATERMARK_OUT_OF_ORDERNESS.defaultValue())
            .plus(JobOptions.WATERMARK_IDLENESS.defaultValue())
            .plus(Duration.ofMinutes(2));

    static final Option BOOTSTRAP_SERVERS = new Option("bootstrap-servers", "HOST:PORT[,...]", null,
            "Kafka brokers; default: the broker of scripts/kafka.sh (127.0.0.1:$O2O_KAFKA_PORT, else 19092)");
    static final Option CUSTOMERS = new Option("customers", "N", "2000", "simulated customers");
    static final Option SEED = new Option("seed", "N", Long.toString(SimulationSettings.DEFAULT_SEED),
            "simulator seed (the simulated window starts now, so two runs differ in their times of day)");
    static final Option WARM_UP = new Option("warm-up", "DURATION", "30m",
            "the city is simulated from this long before the feed, which starts with people already about (their "
                    + "earlier pings left out, their earlier links, preferences and online activity written just "
                    + "before it); 0 for an empty city");
    static final Option DURATION = new Option("duration", "DURATION", "8m",
            "the measured window of the live feed (speed 1): decisions count when their input was appended in it");
    static final Option TAIL = new Option("tail", "DURATION", DEFAULT_TAIL.toMinutes() + "m",
            "the feed goes on this long after the window, uncounted, so that the window's last decisions are made "
                    + "(exit timeout + out-of-orderness + idleness + 2 min)");
    static final Option CHECKPOINT_INTERVAL = new Option("checkpoint.interval", "DURATION", null,
            "the job's checkpoint interval, which is when geo-offers become visible to read_committed consumers "
                    + "(default: the job's, " + JobOptions.CHECKPOINT_INTERVAL.defaultValue().toSeconds() + " s)");
    static final Option TOPIC_PREFIX = new Option("topic-prefix", "PREFIX", "o2o-latency",
            "topics are PREFIX-<run>-<topic>, new for every run (message.timestamp.type=LogAppendTime)");
    static final Option WORK_DIR = new Option("work-dir", "PATH", "target/bench-work/latency",
            "checkpoints, the job's metric files, the Flink log and the report (latency-<run>.txt)");
    static final Option KEEP_TOPICS = new Option("keep-topics", null, null,
            "keep the run's topics (deleted after the run by default)");
    static final Option KNOWN_PHONES = new Option("known-phones", null, null,
            "write the warm-up's pings and sensor readings too, at once before the feed, so that phones are linked to "
                    + "their customers already, as in a deployment that has been running (default: left out)");
    static final Option HELP = new Option("help", null, null, "print this help and exit");

    static final List<Option> OPTIONS = List.of(BOOTSTRAP_SERVERS, CUSTOMERS, SEED, WARM_UP, DURATION, TAIL,
            CHECKPOINT_INTERVAL, TOPIC_PREFIX, WORK_DIR, KEEP_TOPICS, KNOWN_PHONES, HELP);

    /**
     * @param defaultBootstrap used when {@code --bootstrap-servers} is not given (the launcher passes the
     *     project broker's address)
     */
    public static LatencyOptions parse(String[] args, String defaultBootstrap) {
        Map<Option, String> values = BenchmarkOptions.values(args, OPTIONS);
        String bootstrap = values.getOrDefault(BOOTSTRAP_SERVERS, defaultBootstrap);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new UsageException("no Kafka broker: pass --bootstrap-servers HOST:PORT");
        }
        String warmUpText = BenchmarkOptions.value(values, WARM_UP).trim();
        Duration warmUp = warmUpText.matches("0+[hms]?") ? Duration.ZERO : BenchmarkOptions.duration(WARM_UP, warmUpText);
        Duration duration = BenchmarkOptions.duration(DURATION, BenchmarkOptions.value(values, DURATION));
        Duration tail = BenchmarkOptions.duration(TAIL, BenchmarkOptions.value(values, TAIL));
        if (warmUp.multipliedBy(2).plus(duration).plus(tail).compareTo(SimulationSettings.MAX_DURATION) > 0) {
            throw new UsageException("twice --warm-up, --duration and --tail together must be at most "
                    + SimulationSettings.MAX_DURATION.toDays() + " days");
        }
        String interval = values.get(CHECKPOINT_INTERVAL);
        String prefix = BenchmarkOptions.value(values, TOPIC_PREFIX);
        if (!prefix.matches("[A-Za-z0-9._-]+")) {
            throw new UsageException("--topic-prefix may hold letters, digits, '.', '_' and '-' only, was '" + prefix + "'");
        }
        return new LatencyOptions(
                bootstrap,
                (int) BenchmarkOptions.wholeNumber(values, CUSTOMERS, 1, SimulationSettings.MAX_CUSTOMERS),
                BenchmarkOptions.wholeNumber(values, SEED, Long.MIN_VALUE, Long.MAX_VALUE),
                warmUp,
                duration,
                tail,
                interval == null ? null : BenchmarkOptions.duration(CHECKPOINT_INTERVAL, interval),
                prefix,
                BenchmarkOptions.value(values, WORK_DIR),
                values.containsKey(KEEP_TOPICS),
                values.containsKey(KNOWN_PHONES));
    }

    /** The live feed: the measured window and the tail. */
    public Duration feed() {
        return duration.plus(tail);
    }

    /**
     * The simulated window: the warm-up, the feed, and as long again as the warm-up after it, so that the feed lies
     * in the middle of the simulated day (the simulator fits every journey inside its window, so journeys thin out
     * towards its ends); at least the simulator's shortest (45 minutes). What lies after the feed is not written.
     */
    public Duration simulatedWindow() {
        Duration window = warmUp.plus(feed()).plus(warmUp);
        return window.compareTo(SimulationSettings.MIN_DURATION) < 0 ? SimulationSettings.MIN_DURATION : window;
    }

    public static String usage() {
        return "Usage: o2o-bench latency [--start-kafka] [OPTION]...\n"
                + "Runs the whole job (default options, Kafka in and out) on an in-process MiniCluster while a simulated\n"
                + "city is written to new LogAppendTime topics at speed 1, from now, then stops it and reads the outputs\n"
                + "with read_committed: p50/p90/p99/max seconds from the append of the ping that made each enter,\n"
                + "pass_by, exit and geo-offer possible to the decision's append, and the delay of the first decision.\n\n"
                + BenchmarkOptions.describe(OPTIONS);
    }
}
