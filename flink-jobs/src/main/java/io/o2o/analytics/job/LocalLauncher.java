package io.o2o.analytics.job;

import io.o2o.analytics.ingest.DuplicateReceipts;
import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.job.JobOptions.SourceKind;
import io.o2o.analytics.journeys.FirstConversionOnly;
import io.o2o.analytics.offers.FirstOfferDecisionOnly;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.offers.OfferEngine;
import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.simulator.GroundTruth;
import io.o2o.analytics.visits.LiveMoments;
import io.o2o.analytics.visits.VisitDetector;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;

/**
 * Runs the job on an embedded Flink MiniCluster ({@code bin/o2o-analytics}): the same pipeline as the job
 * jar, plus what a person at a terminal wants: a banner, a progress line, and a summary at the end that
 * compares the result with the simulator's ground truth.
 */
public final class LocalLauncher {
    private LocalLauncher() {}

    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help());
            return;
        }
        JobSetup setup;
        try {
            setup = JobSetup.fromArguments(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Configuration options = setup.options();
        Outputs outputs = setup.outputs();
        Path outputDir = outputs.outputDir();
        Files.createDirectories(outputDir);
        removePreviousOutputs(outputDir);

        Configuration flink = flinkConfiguration(setup);

        boolean simulated = options.get(JobOptions.SOURCE) == SourceKind.simulator;
        System.out.printf("O2O location analytics, local run (Flink MiniCluster, parallelism %d)%n",
                options.get(JobOptions.PARALLELISM));
        System.out.printf("  fences:  %s (%d stores, %d zones)%n",
                options.get(JobOptions.FENCES), setup.fences().stores().size(), setup.fences().zones().size());
        setup.fences().warnings().forEach(w -> System.out.println("  fences:  assumed for " + w));
        GroundTruth truth = null;
        if (simulated) {
            truth = setup.simulation().truth();
            Path truthFile = outputDir.resolve("ground-truth.json");
            truth.writeJson(truthFile);
            System.out.printf("  input:   simulator, seed %d, %d customers over %s: %,d records (truth: %s)%n",
                    options.get(JobOptions.SIMULATOR_SEED), options.get(JobOptions.SIMULATOR_CUSTOMERS),
                    TimeUtils.formatWithHighestUnit(options.get(JobOptions.SIMULATOR_DURATION)), setup.simulation().records().size(), truthFile);
        } else {
            System.out.printf("  input:   Kafka %s%s%n", options.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS),
                    options.get(JobOptions.BOUNDED) ? " (bounded: up to the topics' current end)" : "");
        }
        System.out.println("  outputs: " + outputs.describe());
        if (setup.usesEphemeralHashKey()) {
            System.out.println("  note:    no " + Secrets.HASH_KEY_ENV + " set: device ids are hashed with a random "
                    + "key for this run only");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        long started = System.nanoTime();
        JobExecutionResult result = setup.job().execute(env);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        printSummary(result, took, truth, outputs);
    }

    /**
     * The embedded MiniCluster's configuration: the job's own ({@link JobSetup#flinkConfiguration()}) and what a
     * local run adds: checkpoints under the output folder, its restart strategy ({@link LocalRecovery}), Flink's
     * metrics to InfluxDB when the job writes there, and the progress line.
     */
    static Configuration flinkConfiguration(JobSetup setup) {
        Configuration options = setup.options();
        Configuration flink = setup.flinkConfiguration();
        if (options.getOptional(JobOptions.CHECKPOINT_DIR).isEmpty()) {
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    setup.outputs().outputDir().resolve("checkpoints").toUri().toString());
        }
        flink.addAll(LocalRecovery.restartStrategy(options));
        // Flink's own metrics (checkpoints, lag, sink retries) to the InfluxDB the metrics go to, if any.
        flink.addAll(FlinkMetricsReporting.embedded(options));
        flink.setString("metrics.reporter.progress.factory.class", ProgressReporter.Factory.class.getName());
        flink.setString(
                "metrics.reporter.progress.interval",
                options.get(JobOptions.PROGRESS_INTERVAL).toMillis() + " ms");
        return flink;
    }

    private static void printSummary(JobExecutionResult result, Duration took, GroundTruth truth, Outputs outputs) {
        long records = counter(result, InputRouter.RECORDS_ACCUMULATOR);
        double seconds = took.toMillis() / 1000.0;
        System.out.println();
        System.out.printf("Done in %.1f s: %,d records, %,.0f records/s%n", seconds, records, records / seconds);
        System.out.printf("  decisions: %,d entries, %,d exits, %,d visits, %,d pass-bys, %,d re-attributed visits%n",
                counter(result, VisitDetector.ACCUMULATOR_PREFIX + StoreVisitEvent.ENTER),
                counter(result, VisitDetector.ACCUMULATOR_PREFIX + StoreVisitEvent.EXIT),
                counter(result, VisitDetector.ACCUMULATOR_PREFIX + StoreVisitEvent.VISIT),
                counter(result, VisitDetector.ACCUMULATOR_PREFIX + StoreVisitEvent.PASS_BY),
                counter(result, VisitDetector.ACCUMULATOR_PREFIX + StoreVisitEvent.REATTRIBUTED));
        System.out.printf("  live moments (as pings arrive): %,d entries, %,d exits, %,d pass-bys; %,d pings behind their "
                        + "device's newest left to the final decisions%n",
                counter(result, LiveMoments.ACCUMULATOR_PREFIX + StoreVisitEvent.ENTER),
                counter(result, LiveMoments.ACCUMULATOR_PREFIX + StoreVisitEvent.EXIT),
                counter(result, LiveMoments.ACCUMULATOR_PREFIX + StoreVisitEvent.PASS_BY),
                counter(result, LiveMoments.OUT_OF_ORDER_ACCUMULATOR));
        System.out.printf("  conversions: %,d online-to-store, %,d store-to-online%n",
                counter(result, FirstConversionOnly.ACCUMULATOR_PREFIX + JourneyMatch.ONLINE_TO_STORE),
                counter(result, FirstConversionOnly.ACCUMULATOR_PREFIX + JourneyMatch.STORE_TO_ONLINE));
        String offers = FirstOfferDecisionOnly.ACCUMULATOR_PREFIX;
        System.out.printf("  geo-offers: %,d sent; suppressed: %,d by caps, %,d by consent, %,d in quiet hours, "
                        + "%,d with no one to send to; %,d redeemed%n",
                counter(result, offers + OfferDecision.SENT), counter(result, offers + OfferDecision.SUPPRESSED_CAP),
                counter(result, offers + OfferDecision.SUPPRESSED_CONSENT),
                counter(result, offers + OfferDecision.SUPPRESSED_QUIET_HOURS),
                counter(result, offers + OfferDecision.SUPPRESSED_UNREACHABLE),
                counter(result, offers + OfferDecision.REDEEMED));
        System.out.printf("  live offers: %,d entries and pass-bys decided as they arrived, %,d left to event time "
                        + "(older than offers.live-within, or the customer not known yet), %,d not confirmed by the "
                        + "final decisions%n",
                counter(result, OfferEngine.LIVE_DECIDED_ACCUMULATOR), counter(result, OfferEngine.LIVE_LEFT_ACCUMULATOR),
                counter(result, OfferEngine.LIVE_CONTRADICTED_ACCUMULATOR));
        System.out.printf("  dead letters: %,d%n", counter(result, InputRouter.DEAD_LETTERS_ACCUMULATOR)
                + counter(result, VisitDetector.REJECTED_ACCUMULATOR) + counter(result, DuplicateReceipts.COUNTER));
        if (truth != null) {
            System.out.printf("  ground truth: %,d visits, %,d pass-bys, %,d injected bad records%n",
                    truth.visits().size(), truth.passBys().size(), truth.badRecords().size());
            System.out.printf("  ground truth: %,d online-to-store journeys (%,d the input can link), %,d store-to-online%n",
                    truth.conversions().size(), truth.identifiableConversions().size(), truth.offlineToOnline().size());
        }
        System.out.println("  " + outputs.describe());
    }

    private static long counter(JobExecutionResult result, String name) {
        Object value = result.getAccumulatorResult(name);
        return value instanceof Long count ? count : 0L;
    }

    /** File outputs append; a new run starts from empty files so that they describe this run only. */
    private static void removePreviousOutputs(Path outputDir) throws IOException {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(
                outputDir, "{visits-*.jsonl,live-moments-*.jsonl,dead-letters-*.jsonl,customer-assignments-*.jsonl,o2o-conversions-*.jsonl,"
                        + "profile-updates-*.jsonl,geo-offers-*.jsonl,offer-audit-*.jsonl,metrics-*.lp}")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
    }
}
