package io.o2o.analytics.bench;

import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.job.JobSetup;
import io.o2o.analytics.job.LocationAnalyticsJob;
import io.o2o.analytics.records.InputTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

/**
 * {@code bin/o2o-bench pipeline}: fills Kafka with a fixed city simulation, then runs on one in-process
 * MiniCluster, alternately, the stateless pass-through and the whole job (bounded, from the same topics, with
 * the same parallelism, checkpoint interval and state backend), and prints what each took.
 *
 * <p>Starts no broker: the launcher does that when asked ({@code --start-kafka}).
 */
public final class PipelineBenchmark {
    static final String PASS_THROUGH = "pass-through";
    static final String WHOLE_JOB = "whole job";

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (BenchmarkOptions.wantsHelp(args)) {
            System.out.print(BenchmarkOptions.usage());
            return;
        }
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args, System.getenv("O2O_BENCH_BOOTSTRAP"));
        } catch (BenchmarkOptions.UsageException e) {
            System.err.println("o2o-bench: " + e.getMessage());
            System.err.println("Try 'o2o-bench --help'.");
            System.exit(2);
            return;
        }
        Path workDir = Path.of(options.workDir()).toAbsolutePath();
        Files.createDirectories(workDir);
        Path hashKeyFile = writeHashKey(workDir);

        BenchmarkInput input = BenchmarkInput.prepare(options, System.out);
        System.out.printf("Pipelines: parallelism %d, checkpoints every %s, %s state backend; work dir %s%n%n",
                options.parallelism(), options.checkpointInterval().toMillis() / 1000.0 + " s", options.stateBackend(), workDir);

        Configuration flink = jobSetup(options, input, hashKeyFile, workDir, 0).flinkConfiguration();
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
        // A run that fails should fail the benchmark, not restart and report a slower figure.
        flink.setString("restart-strategy.type", "none");
        // Any free port: another MiniCluster (a test, bin/o2o-analytics) may hold 8081.
        flink.set(RestOptions.BIND_PORT, "0");

        // Once, before the cluster starts: each job checkpoints into a folder named by its id, and Flink discards
        // a finished job's checkpoints asynchronously, so a folder emptied between rounds would race with it.
        deleteRecursively(workDir.resolve("checkpoints"));
        List<RunFigures> runs = new ArrayList<>();
        try (BenchmarkCluster cluster = new BenchmarkCluster(flink, options.parallelism())) {
            for (int round = 1; round <= options.repeat(); round++) {
                String groupSuffix = round + "-" + UUID.randomUUID().toString().substring(0, 8);
                RunFigures pass = cluster.run(PASS_THROUGH, round,
                        env -> PassThroughPipeline.build(env, options.bootstrapServers(), input.topics().values(),
                                "o2o-bench-pass-through-" + groupSuffix),
                        PassThroughPipeline.RECORDS_ACCUMULATOR);
                print(pass);
                runs.add(pass);

                Path outputDir = workDir.resolve("job-output");
                deleteRecursively(outputDir);
                JobSetup setup = jobSetup(options, input, hashKeyFile, workDir, round);
                LocationAnalyticsJob job = setup.job();
                RunFigures whole = cluster.run(WHOLE_JOB, round, job::build, InputRouter.RECORDS_ACCUMULATOR);
                print(whole);
                runs.add(whole);
            }
        }
        System.out.println();
        System.out.print(BenchmarkReport.format(runs, PASS_THROUGH, WHOLE_JOB, input));
    }

    private static void print(RunFigures run) {
        System.out.printf("  round %d, %s: %,d records in %.1f s, %.1f CPU s%n",
                run.round(), run.pipeline(), run.records(), run.wallSeconds(), run.cpuSeconds());
    }

    /** The job as {@code bin/o2o-analytics --source kafka --bounded} runs it, with file outputs. */
    static JobSetup jobSetup(BenchmarkOptions options, BenchmarkInput input, Path hashKeyFile, Path workDir,
            int round) {
        List<String> args = new ArrayList<>(List.of(
                "--source", "kafka",
                "--bounded",
                "--kafka.bootstrap-servers", options.bootstrapServers(),
                // A new group per round: the source starts from committed offsets, else the earliest.
                "--kafka.group-id", "o2o-bench-job-" + round + "-" + UUID.randomUUID().toString().substring(0, 8),
                "--outputs", "files",
                "--output.dir", workDir.resolve("job-output").toString(),
                "--hash-key-file", hashKeyFile.toString(),
                "--parallelism", Integer.toString(options.parallelism()),
                "--checkpoint.interval", options.checkpointInterval().toMillis() + " ms",
                "--checkpoint.dir", workDir.resolve("checkpoints").toUri().toString(),
                "--state.backend", options.stateBackend()));
        for (InputTopic topic : InputTopic.values()) {
            args.add("--topic." + topic.defaultTopicName());
            args.add(input.topics().get(topic));
        }
        // No environment: an O2O_HASH_KEY of the caller must not change what the benchmark hashes with.
        return JobSetup.fromArguments(args.toArray(String[]::new), Map.of());
    }

    /**
     * Writes {@link BenchmarkOptions#BENCHMARK_HASH_KEY} to {@code <work dir>/benchmark-hash.key}, readable by
     * its owner only, for the job's {@code --hash-key-file}.
     */
    public static Path writeHashKey(Path workDir) throws IOException {
        Path file = workDir.resolve("benchmark-hash.key");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, BenchmarkOptions.BENCHMARK_HASH_KEY, StandardCharsets.UTF_8);
        return file;
    }

    /** Deletes a folder and everything in it; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
