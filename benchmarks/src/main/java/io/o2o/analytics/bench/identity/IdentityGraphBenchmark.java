package io.o2o.analytics.bench.identity;

import io.o2o.analytics.bench.BenchmarkCluster;
import io.o2o.analytics.bench.RunFigures;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.identity.IdentityEdge;
import io.o2o.analytics.identity.IdentityResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.TimeUtils;

/**
 * How much evidence the identity graph's one key takes per second, and how many bytes of state an identifier
 * costs, at a national retailer's size (issue #17: "at least 20,000 identity evidence records/s and 10 million
 * identifiers"). The job's own {@link IdentityResolver}, on one key as in the job, RocksDB with incremental
 * checkpoints, fed {@link SyntheticEvidence} in event-time order with the job's 60 s out-of-orderness.
 *
 * <pre>bin/o2o-bench identity [--identifiers N] [--rounds R] [--merge-every M] [--checkpoint.interval D] [--work-dir P]</pre>
 */
public final class IdentityGraphBenchmark {
    static final String EDGES_ACCUMULATOR = "identity.edges";

    private IdentityGraphBenchmark() {}

    public static void main(String[] args) throws Exception {
        long identifiers = 1_000_000;
        int rounds = 2;
        long mergeEvery = 50;
        Duration checkpointInterval = Duration.ofSeconds(10);
        Path workDir = Path.of("target/bench-work/identity");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--identifiers" -> identifiers = Long.parseLong(value.replace("_", "").replace(",", ""));
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--merge-every" -> mergeEvery = Long.parseLong(value);
                case "--checkpoint.interval" -> checkpointInterval = TimeUtils.parseDuration(value);
                case "--work-dir" -> workDir = Path.of(value);
                case "--help", "-h" -> {
                    System.out.println("Usage: o2o-bench identity [--identifiers N (1000000)] [--rounds R (2): how often"
                            + " each link is sent] [--merge-every M (50): a link between every M-th customer and the one"
                            + " before, 0 for none] [--checkpoint.interval D (10s)] [--work-dir PATH]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help)");
            }
            i++;
        }
        SyntheticEvidence evidence = new SyntheticEvidence(identifiers / 3, rounds, mergeEvery,
                Instant.parse("2026-03-07T04:00:00Z").toEpochMilli(), Duration.ofDays(1));

        workDir = workDir.toAbsolutePath();
        Files.createDirectories(workDir);
        Configuration flink = new Configuration();
        flink.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.setString("restart-strategy.type", "none");
        flink.set(RestOptions.BIND_PORT, "0");

        System.out.printf("Identity graph, one key, RocksDB: %,d identifiers of %,d customers, %,d evidence records"
                        + " (%d rounds of links, %,d merges) over a day of event time%n",
                evidence.identifiers(), evidence.customers(), evidence.edges(), rounds, evidence.merges());
        RunFigures run;
        // Two slots: the generator and the graph run in tasks of their own, as the graph does in the job.
        try (BenchmarkCluster cluster = new BenchmarkCluster(flink, 2)) {
            run = cluster.run("identity graph", 1, env -> build(env, evidence), EDGES_ACCUMULATOR);
        }
        System.out.printf("  %,d evidence records in %.1f s: %,.0f records/s, %.1f CPU s (%,.0f records per CPU-second)%n",
                run.records(), run.wallSeconds(), run.recordsPerSecond(), run.cpuSeconds(), run.recordsPerCpuSecond());
        System.out.printf("  checkpoints: %d, largest full %.1f MiB (%.0f bytes per identifier), longest %.1f s%n",
                run.checkpoints().completed(), run.checkpoints().maxFullBytes() / 1048576.0,
                run.checkpoints().bytesPer(evidence.identifiers()), run.checkpoints().maxDurationMillis() / 1000.0);
    }

    static void build(StreamExecutionEnvironment env, SyntheticEvidence evidence) {
        DataStream<IdentityEdge> edges = env.fromSequence(0, evidence.edges() - 1)
                .setParallelism(1)
                .map(new ToEvidence(evidence))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<IdentityEdge>forBoundedOutOfOrderness(Duration.ofSeconds(60))
                        .withTimestampAssigner((edge, ignored) -> edge.ts()))
                .setParallelism(1);
        edges.keyBy(edge -> IdentityResolver.GRAPH)
                .process(new IdentityResolver(16, Duration.ofDays(90)))
                .uid("identity-resolver")
                .sinkTo(new DiscardingSink<CustomerAssignment>());
    }

    private static final class ToEvidence extends RichMapFunction<Long, IdentityEdge> {
        private final SyntheticEvidence evidence;
        private transient LongCounter count;

        ToEvidence(SyntheticEvidence evidence) {
            this.evidence = evidence;
        }

        @Override
        public void open(OpenContext openContext) {
            count = new LongCounter();
            getRuntimeContext().addAccumulator(EDGES_ACCUMULATOR, count);
        }

        @Override
        public IdentityEdge map(Long sequence) {
            count.add(1);
            return evidence.edge(sequence);
        }
    }
}
