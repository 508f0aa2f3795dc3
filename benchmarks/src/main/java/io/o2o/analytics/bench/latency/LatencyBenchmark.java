package io.o2o.analytics.bench.latency;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.bench.BenchmarkCluster;
import io.o2o.analytics.bench.BenchmarkOptions;
import io.o2o.analytics.bench.CheckpointFigures;
import io.o2o.analytics.bench.PipelineBenchmark;
import io.o2o.analytics.bench.latency.DecisionLatencies.Window;
import io.o2o.analytics.bench.latency.LiveTopics.AppendedRecord;
import io.o2o.analytics.bench.latency.OutputRecords.AuditDecision;
import io.o2o.analytics.bench.latency.OutputRecords.DeadLetterRef;
import io.o2o.analytics.bench.latency.OutputRecords.OfferSent;
import io.o2o.analytics.bench.latency.OutputRecords.VisitDecision;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.job.CommandLine;
import io.o2o.analytics.job.JobOptions;
import io.o2o.analytics.job.JobSetup;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.simulator.Simulation;
import io.o2o.analytics.simulator.SimulationSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/**
 * {@code bin/o2o-bench latency}: how long after a ping reaches Kafka the job's decisions about it are there (issue
 * #16, item 6). Runs the whole job, default options, Kafka in and out, on an in-process MiniCluster while a
 * simulated city is written to new topics live (speed 1 from now, after a backlog of what its people did before,
 * {@link CityFeed}); then stops the job and links each decision to the ping that made it possible, both appends on
 * the broker's clock ({@code LogAppendTime}), the outputs read with {@code read_committed} (the geo-offers timed as
 * they became visible, {@link VisibilityWatch}).
 *
 * <p>Starts no broker: the launcher does that when asked ({@code --start-kafka}). Prints figures only: the
 * identifiers it links by are keyed hashes, read in memory and never written out.
 */
public final class LatencyBenchmark {
    static final String JOB_NAME = "latency benchmark: whole job";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    /** Between the last record written and the stop: the feed's last checkpoint and producer flushes. */
    private static final Duration LAST_WORDS = Duration.ofSeconds(15);
    private static final List<ConfigOption<String>> OUTPUT_TOPICS = List.of(JobOptions.TOPIC_VISITS,
            JobOptions.TOPIC_LIVE_MOMENTS,
            JobOptions.TOPIC_DEAD_LETTERS, JobOptions.TOPIC_CUSTOMER_ASSIGNMENTS, JobOptions.TOPIC_O2O_CONVERSIONS,
            JobOptions.TOPIC_PROFILE_UPDATES, JobOptions.TOPIC_GEO_OFFERS, JobOptions.TOPIC_OFFER_AUDIT);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private LatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (BenchmarkOptions.wantsHelp(args)) {
            System.out.print(LatencyOptions.usage());
            return;
        }
        LatencyOptions options;
        try {
            options = LatencyOptions.parse(args, System.getenv("O2O_BENCH_BOOTSTRAP"));
        } catch (BenchmarkOptions.UsageException e) {
            System.err.println("o2o-bench latency: " + e.getMessage());
            System.err.println("Try 'o2o-bench latency --help'.");
            System.exit(2);
            return;
        }
        Path workDir = Path.of(options.workDir()).toAbsolutePath();
        Files.createDirectories(workDir);
        // Before the cluster starts: a finished job's checkpoints are discarded asynchronously.
        PipelineBenchmark.deleteRecursively(workDir.resolve("checkpoints"));
        PipelineBenchmark.deleteRecursively(workDir.resolve("savepoints"));
        Path hashKeyFile = PipelineBenchmark.writeHashKey(workDir);
        String run = options.topicPrefix() + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());

        Map<InputTopic, String> inputs = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            inputs.put(topic, run + "-" + topic.defaultTopicName());
        }
        Map<ConfigOption<String>, String> outputs = new LinkedHashMap<>();
        OUTPUT_TOPICS.forEach(option -> outputs.put(option, run + "-" + option.defaultValue()));
        List<String> topics = new ArrayList<>(inputs.values());
        topics.addAll(outputs.values());

        try (LiveTopics kafka = new LiveTopics(options.bootstrapServers())) {
            kafka.create(topics);
            System.out.printf("Kafka %s: created %d topics %s-* (%d partitions, LogAppendTime)%n",
                    options.bootstrapServers(), topics.size(), run, LiveTopics.PARTITIONS);
            try {
                String report = measure(options, run, inputs, outputs, hashKeyFile, workDir, kafka);
                Path file = workDir.resolve("latency-" + run + ".txt");
                Files.writeString(file, report, StandardCharsets.UTF_8);
                System.out.println();
                System.out.print(report);
                System.out.println("(also in " + file + ")");
            } finally {
                if (!options.keepTopics()) {
                    kafka.delete(topics);
                }
            }
        }
    }

    private static String measure(LatencyOptions options, String run, Map<InputTopic, String> inputs,
            Map<ConfigOption<String>, String> outputs, Path hashKeyFile, Path workDir, LiveTopics kafka)
            throws Exception {
        JobSetup setup = jobSetup(options, run, inputs, outputs, hashKeyFile, workDir);
        Configuration jobOptions = setup.options();
        Configuration flink = setup.flinkConfiguration();
        // A failure should fail the benchmark, not restart and report the restart as latency.
        flink.setString("restart-strategy.type", "none");
        // Any free port: another MiniCluster (a test, bin/o2o-analytics) may hold 8081.
        flink.set(RestOptions.BIND_PORT, "0");
        int parallelism = jobOptions.get(JobOptions.PARALLELISM);

        FeedFigures feed;
        CheckpointFigures checkpoints;
        Instant start;
        long backlog;
        Map<String, Long> offersVisible;
        try (BenchmarkCluster cluster = new BenchmarkCluster(flink, parallelism);
                VisibilityWatch offersWatch = new VisibilityWatch(options.bootstrapServers(),
                        outputs.get(JobOptions.TOPIC_GEO_OFFERS), LatencyBenchmark::offerIdOf)) {
            JobID job = cluster.start(JOB_NAME, env -> setup.job().build(env));
            cluster.awaitRunning(job, PATIENCE);
            offersWatch.start();
            System.out.println("Job running: every task deployed before the first record is written; a read_committed"
                    + " consumer watches the geo-offers");

            // The feed starts now, so that event times are close to the broker's append times: the job refuses
            // events far from their record's timestamp (ingest.max-future-skew, ingest.max-past-age).
            // With the earlier positions the backlog is some tens of thousands of records: time to read them first.
            start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(options.knownPhones() ? 40 : 10);
            SimulationSettings settings = SimulationSettings.builder()
                    .seed(options.seed())
                    .customers(options.customers())
                    .start(start.minus(options.warmUp()))
                    .duration(options.simulatedWindow())
                    .build();
            long simulating = System.nanoTime();
            Simulation simulation = new CitySimulator(setup.fences(), settings).run();
            CityFeed city = CityFeed.of(simulation.records(), start, options.feed(), options.knownPhones());
            System.out.printf("Simulated %,d customers (seed %d) over %d min from %s in %.1f s: %,d records to feed"
                            + " live from %s, %,d earlier ones as a backlog%n",
                    options.customers(), options.seed(), options.simulatedWindow().toMinutes(), settings.start(),
                    (System.nanoTime() - simulating) / 1e9, city.live().size(), start, city.backlog().size());
            backlog = city.backlog().size();
            feed = feed(options, city, inputs, start, cluster, job);
            Thread.sleep(LAST_WORDS.toMillis());
            boolean stopped = cluster.stop(job, workDir.resolve("savepoints"), PATIENCE);
            System.out.println(stopped ? "Job stopped with a savepoint (no drain: nothing is decided by the stop)"
                    : "Job cancelled: the savepoint failed (geo-offers of its last checkpoint interval are lost)");
            checkpoints = cluster.checkpoints(job);
            offersVisible = offersWatch.finish(PATIENCE);
        }

        System.out.println("Reading the topics (read_committed) ...");
        Window window = new Window(feed.wallStartMillis(), feed.wallStartMillis() + options.duration().toMillis(),
                start.toEpochMilli(), start.plus(options.duration()).toEpochMilli());
        InputFigures input = readInput(kafka, inputs, setup.parser(), window);
        ObjectMapper json = new ObjectMapper();
        List<VisitDecision> visits = new ArrayList<>();
        for (AppendedRecord r : kafka.read(outputs.get(JobOptions.TOPIC_VISITS))) {
            visits.add(VisitDecision.of(json.readTree(r.value()), r.appendMillis()));
        }
        List<VisitDecision> liveMoments = new ArrayList<>();
        for (AppendedRecord r : kafka.read(outputs.get(JobOptions.TOPIC_LIVE_MOMENTS))) {
            liveMoments.add(VisitDecision.of(json.readTree(r.value()), r.appendMillis()));
        }
        // An offer names its moment by event id, which a live moment and its final decision share: the first of them.
        List<VisitDecision> moments = new ArrayList<>(visits);
        moments.addAll(liveMoments);
        List<OfferSent> offers = new ArrayList<>();
        for (AppendedRecord r : kafka.read(outputs.get(JobOptions.TOPIC_GEO_OFFERS))) {
            offers.add(OfferSent.of(json.readTree(r.value()), r.appendMillis()));
        }
        List<AuditDecision> audit = new ArrayList<>();
        for (AppendedRecord r : kafka.read(outputs.get(JobOptions.TOPIC_OFFER_AUDIT))) {
            audit.add(AuditDecision.of(json.readTree(r.value()), r.appendMillis()));
        }
        List<DeadLetterRef> deadLetters = new ArrayList<>();
        for (AppendedRecord r : kafka.read(outputs.get(JobOptions.TOPIC_DEAD_LETTERS))) {
            deadLetters.add(DeadLetterRef.of(json.readTree(r.value()), r.appendMillis()));
        }

        PingIndex pings = input.pings();
        List<LatencyRow> rows = List.of(
                DecisionLatencies.visits(VisitDecision.ENTER, "live enter", "the ping that confirmed it (decidedAt)",
                        liveMoments, pings, window),
                DecisionLatencies.visits(VisitDecision.PASS_BY, "live pass_by, a fix beyond",
                        "the fix beyond the near-buffer (decidedAt)",
                        liveMoments.stream().filter(d -> d.decidedAt() != null).toList(), pings, window),
                DecisionLatencies.visits(VisitDecision.PASS_BY, "live pass_by, fell silent",
                        "its last ping near the store (no fix beyond came: the exit timeout)",
                        liveMoments.stream().filter(d -> d.decidedAt() == null).toList(), pings, window),
                DecisionLatencies.visits(VisitDecision.ENTER, "the ping that confirmed it (decidedAt)", visits, pings,
                        window),
                DecisionLatencies.visits(VisitDecision.PASS_BY,
                        "the ping that decided it (decidedAt), else its last ping near the store", visits, pings, window),
                DecisionLatencies.visits(VisitDecision.EXIT, "its last ping inside (eventTime)", visits, pings, window),
                DecisionLatencies.offersOn(VisitDecision.ENTER, "geo-offer visible on enter",
                        "the entry's confirming ping (via offer-audit's triggerEventId)", offersVisible, audit, moments,
                        pings, window),
                DecisionLatencies.offersOn(VisitDecision.PASS_BY, "geo-offer visible on pass_by",
                        "the pass-by's ping, as in the pass_by row", offersVisible, audit, moments, pings, window),
                DecisionLatencies.offersOn(VisitDecision.ENTER, "offer-audit sent on enter",
                        "the entry's confirming ping (the audit: at least once, no transaction)",
                        DecisionLatencies.auditAppends(audit), audit, moments, pings, window),
                DecisionLatencies.offersFromSentAt(offers, offersVisible, window),
                DecisionLatencies.deadLetters(true, deadLetters, window),
                DecisionLatencies.deadLetters(false, deadLetters, window),
                DecisionLatencies.inputLag(input.lags()));

        return report(options, run, setup, start, feed, backlog, checkpoints, input, rows, moments, offersVisible,
                audit, deadLetters);
    }

    /** The job as {@code bin/o2o-analytics --source kafka} runs it, default options, on the run's topics. */
    static JobSetup jobSetup(LatencyOptions options, String run, Map<InputTopic, String> inputs,
            Map<ConfigOption<String>, String> outputs, Path hashKeyFile, Path workDir) {
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka",
                "--outputs", "kafka",
                "--kafka.bootstrap-servers", options.bootstrapServers(),
                "--kafka.group-id", run,
                // Unique per run: a transactional id of an earlier run's sink would be fenced or fence this one.
                "--offers.transactional-id-prefix", run,
                "--hash-key-file", hashKeyFile.toString(),
                // The metrics, as line protocol files: no InfluxDB needed.
                "--output.dir", workDir.resolve("job-output").toString(),
                "--checkpoint.dir", workDir.resolve("checkpoints").toUri().toString()));
        if (options.checkpointInterval() != null) {
            args.addAll(List.of("--checkpoint.interval", options.checkpointInterval().toMillis() + " ms"));
        }
        inputs.forEach((topic, name) -> args.addAll(List.of("--" + JobOptions.INPUT_TOPICS.get(topic).key(), name)));
        outputs.forEach((option, name) -> args.addAll(List.of("--" + option.key(), name)));
        // No environment: an O2O_HASH_KEY of the caller must not change what the benchmark hashes with.
        return JobSetup.of(CommandLine.parse(args.toArray(String[]::new)), Map.of());
    }

    /**
     * What the feed did.
     *
     * @param wallStartMillis when the live feed started: the record simulated at its start was sent then
     * @param loadAverages the machine's one-minute load average, sampled every 10 s while the feed ran
     * @param cpuNanos CPU time of this process (the job, the writer, their Kafka clients) over the feed
     */
    record FeedFigures(long wallStartMillis, long wallNanos, List<Double> loadAverages, long cpuNanos) {}

    /**
     * Writes the backlog at once, then the live records at speed 1, from a thread of its own while this one watches
     * the job: a job that fails ends the feed and the benchmark.
     */
    private static FeedFigures feed(LatencyOptions options, CityFeed city, Map<InputTopic, String> inputs,
            Instant start, BenchmarkCluster cluster, JobID job) throws Exception {
        List<Double> loads = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-sampler");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong wallStart = new AtomicLong();
        CountDownLatch live = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (KafkaSimulatorWriter kafka = new KafkaSimulatorWriter(options.bootstrapServers(), inputs)) {
                kafka.write(city.backlog(), start.toEpochMilli(), 0, null);
                long wait = start.toEpochMilli() - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                wallStart.set(System.currentTimeMillis());
                live.countDown();
                kafka.write(city.live(), start.toEpochMilli(), 1.0, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                live.countDown();
            }
        }, "live-feed");
        writer.start();
        live.await();
        long startedNanos = System.nanoTime();
        long cpuBefore = OS.getProcessCpuTime();
        sampler.scheduleAtFixedRate(() -> {
            synchronized (loads) {
                loads.add(OS.getSystemLoadAverage());
            }
        }, 0, 10, TimeUnit.SECONDS);
        System.out.printf("Feeding %,d records live: a %d min window, then %d min more so that its last decisions are"
                        + " made%n", city.live().size(), options.duration().toMinutes(), options.tail().toMinutes());
        long minute = 0;
        try {
            while (writer.isAlive()) {
                writer.join(5_000);
                JobStatus status = cluster.status(job);
                if (status != JobStatus.RUNNING) {
                    writer.interrupt();
                    throw new IllegalStateException("the job is " + status + " while the feed runs (Flink's log: "
                            + "<work dir>/flink.log)");
                }
                long elapsed = (System.nanoTime() - startedNanos) / 60_000_000_000L;
                if (elapsed > minute) {
                    minute = elapsed;
                    System.out.printf(Locale.ROOT, "  %2d min: job %s, load average %.1f%n", minute, status,
                            OS.getSystemLoadAverage());
                }
            }
        } finally {
            sampler.shutdownNow();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the feed failed", failure.get());
        }
        long wall = System.nanoTime() - startedNanos;
        long cpu = OS.getProcessCpuTime() - cpuBefore;
        synchronized (loads) {
            return new FeedFigures(wallStart.get(), wall, List.copyOf(loads), cpu);
        }
    }

    /**
     * The input as the job read it: each record parsed by the job's own parser (same hash key), so that a ping is
     * found under the hashed device id and event time its decisions name.
     *
     * @param records input records appended in the window
     * @param pingRecords pings appended in the window
     * @param firstAppend the first input record's append, the backlog's included: the run's first record
     * @param lags append minus event time of each record of the window the parser accepted
     */
    record InputFigures(long records, long pingRecords, long firstAppend, PingIndex pings, List<Long> lags) {}

    private static InputFigures readInput(LiveTopics kafka, Map<InputTopic, String> inputs, InputParser parser,
            Window window) {
        PingIndex pings = new PingIndex();
        List<Long> lags = new ArrayList<>();
        long records = 0;
        long pingRecords = 0;
        long firstAppend = Long.MAX_VALUE;
        for (Map.Entry<InputTopic, String> topic : inputs.entrySet()) {
            for (AppendedRecord r : kafka.read(topic.getValue())) {
                firstAppend = Math.min(firstAppend, r.appendMillis());
                Ingested parsed = parser.parse(new RawRecord(topic.getKey(), r.key(), r.value(), r.appendMillis(),
                        r.partition(), r.offset()));
                if (parsed.ping() != null) {
                    pings.add(parsed.ping().deviceId(), parsed.ping().ts(), r.appendMillis());
                }
                if (window.appended(r.appendMillis())) {
                    records++;
                    if (topic.getKey() == InputTopic.LBS_PINGS) {
                        pingRecords++;
                    }
                    if (!parsed.isDeadLetter()) {
                        lags.add(r.appendMillis() - parsed.eventTime());
                    }
                }
            }
        }
        return new InputFigures(records, pingRecords, firstAppend, pings, lags);
    }

    private static String report(LatencyOptions options, String run, JobSetup setup, Instant start, FeedFigures feed,
            long backlog, CheckpointFigures checkpoints, InputFigures input, List<LatencyRow> rows,
            List<VisitDecision> visits, Map<String, Long> offersVisible, List<AuditDecision> audit,
            List<DeadLetterRef> deadLetters) {
        Configuration job = setup.options();
        ZoneId storeZone = ZoneId.of(setup.fences().stores().get(0).property("timezone").orElse("UTC"));
        double windowSeconds = options.duration().toMillis() / 1000.0;
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Latency benchmark %s: %d min window of a live feed (speed 1) from %s"
                        + " (%s at the stores, %s), then %d min more uncounted%n",
                run, options.duration().toMinutes(), start,
                DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ROOT).withZone(storeZone).format(start), storeZone,
                options.tail().toMinutes()));
        text.append(String.format(Locale.ROOT, "Input: %,d customers (seed %d, simulated from %d min before the feed); "
                        + "%,d records appended in the window, %.1f records/s (pings %.1f/s), %.1f s after schedule; "
                        + "before it, at once, a backlog of %,d earlier links, preferences, online events and "
                        + "purchases%n",
                options.customers(), options.seed(), options.warmUp().toMinutes(), input.records(),
                input.records() / windowSeconds, input.pingRecords() / windowSeconds,
                (feed.wallStartMillis() - start.toEpochMilli()) / 1000.0, backlog));
        text.append(String.format(Locale.ROOT, "Job: default options (parallelism %d, %s state, checkpoints every "
                        + "%.0f s, watermark out-of-orderness %d s, idleness %d s, exit timeout %d s); %d checkpoints, "
                        + "longest %s%n",
                job.get(JobOptions.PARALLELISM), job.get(JobOptions.STATE_BACKEND),
                job.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() / 1000.0,
                job.get(JobOptions.WATERMARK_OUT_OF_ORDERNESS).toSeconds(),
                job.get(JobOptions.WATERMARK_IDLENESS).toSeconds(), job.get(JobOptions.EXIT_TIMEOUT).toSeconds(),
                checkpoints.completed(), checkpoints.maxDurationMillis() == 0 ? "-"
                        : String.format(Locale.ROOT, "%.1f s", checkpoints.maxDurationMillis() / 1000.0)));
        List<Double> loads = feed.loadAverages();
        text.append(String.format(Locale.ROOT, "Machine: %d cores, load average (1 min) %.1f-%.1f during the feed; "
                        + "this JVM (job, feed, clients) used %.0f CPU s in %.0f s (%.2f cores)%n",
                Runtime.getRuntime().availableProcessors(),
                loads.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                loads.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                feed.cpuNanos() / 1e9, feed.wallNanos() / 1e9, (double) feed.cpuNanos() / feed.wallNanos()));
        text.append("From the append of the input named to the decision's append, both LogAppendTime (the broker's clock);"
                + " geo-offers to when a\nread_committed consumer on this machine first received them (their append"
                + " precedes their commit); nearest-rank percentiles\n\n");
        text.append(LatencyReport.table(rows));

        long first = input.firstAppend();
        Long firstVisit = firstAppend(visits.stream().map(VisitDecision::append).toList());
        Long firstOffer = firstAppend(List.copyOf(offersVisible.values()));
        Long firstAudit = firstAppend(audit.stream().map(AuditDecision::append).toList());
        Long firstDeadLetter = firstAppend(deadLetters.stream().map(DeadLetterRef::append).toList());
        Long firstDecision = firstAppend(Stream.of(firstVisit, firstOffer, firstAudit).filter(Objects::nonNull).toList());
        long live = feed.wallStartMillis();
        text.append(String.format(Locale.ROOT, "%nFirst decision %s after the run's first input record (%s after the "
                        + "live feed's start); first visits or live-moments record %s, offer-audit %s, geo-offer visible %s, dead letter %s "
                        + "after the run's first record%n",
                LatencyReport.delay(first, firstDecision), LatencyReport.delay(live, firstDecision),
                LatencyReport.delay(first, firstVisit), LatencyReport.delay(first, firstAudit),
                LatencyReport.delay(first, firstOffer), LatencyReport.delay(first, firstDeadLetter)));
        long slowest = rows.stream().filter(r -> r.unlinked() >= 0).mapToLong(r -> r.figures().max()).max().orElse(0);
        if (slowest > options.tail().toMillis() - 30_000) {
            text.append(String.format(Locale.ROOT, "Warning: the slowest decision took %.0f s, near the %d s tail: "
                    + "slower ones of the window's end may be missing (raise --tail)%n", slowest / 1000.0,
                    options.tail().toSeconds()));
        }
        return text.toString();
    }

    /** An offer's id, by which the watch notes when it became visible. */
    private static String offerIdOf(String value) {
        try {
            return OFFER_JSON.readTree(value).path("offerId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("a geo-offer that is not JSON", e);
        }
    }

    private static final ObjectMapper OFFER_JSON = new ObjectMapper();

    private static Long firstAppend(List<Long> appends) {
        return appends.stream().min(Long::compare).orElse(null);
    }
}
