package io.o2o.analytics.job;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.ingest.HashKeyLocation;
import io.o2o.analytics.ingest.IdentifierHasher;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.ingest.KafkaInputDeserializer;
import io.o2o.analytics.job.JobOptions.OutputKind;
import io.o2o.analytics.job.JobOptions.SourceKind;
import io.o2o.analytics.job.JobOptions.StateBackendKind;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.Simulation;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.simulator.SimulatorSource;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Everything the job needs that comes from outside it: options, fences, secrets, and the production source
 * and sinks they select. Validates at start, so a bad fence file or a missing key stops the submission
 * with a message instead of failing tasks later.
 */
public final class JobSetup {
    private final Configuration options;
    private final FenceCatalog fences;
    private final Secrets secrets;
    private final Outputs outputs;
    private final InputParser parser;
    private final boolean ephemeralHashKey;
    private Simulation simulation;

    private JobSetup(Configuration options, Map<String, String> environment) {
        this.options = options;
        try {
            this.fences = FenceCatalog.load(options.get(JobOptions.FENCES));
        } catch (FenceFileException e) {
            throw new IllegalArgumentException("Fence file rejected: " + e.getMessage(), e);
        }
        this.secrets = new Secrets(options, environment);
        this.outputs = new Outputs(options);
        Duration transactionTimeout = options.get(JobOptions.OFFERS_TRANSACTION_TIMEOUT);
        Duration checkpointInterval = options.get(JobOptions.CHECKPOINT_INTERVAL);
        if (outputs.kind() == OutputKind.kafka && transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new IllegalArgumentException("--" + JobOptions.OFFERS_TRANSACTION_TIMEOUT.key() + " ("
                    + TimeUtils.formatWithHighestUnit(transactionTimeout) + ") must be longer than --"
                    + JobOptions.CHECKPOINT_INTERVAL.key() + " (" + TimeUtils.formatWithHighestUnit(checkpointInterval)
                    + "): a geo-offers transaction stays open until the next checkpoint commits it, and the broker "
                    + "would abort it first");
        }
        Optional<HashKeyLocation> key = secrets.hashKeyLocation();
        if (key.isEmpty() && options.get(JobOptions.SOURCE) == SourceKind.kafka) {
            throw new IllegalArgumentException("Real input needs a stable key for hashing device ids and phone "
                    + "numbers: set " + Secrets.HASH_KEY_ENV + " (here and on the task managers) or --"
                    + JobOptions.HASH_KEY_FILE.key() + " (a file the task managers can read)");
        }
        this.ephemeralHashKey = key.isEmpty();
        IdentifierHasher hasher = IdentifierHasher.atKeyLocation(key.orElseGet(Secrets::ephemeralHashKey));
        this.parser = new InputParser(
                hasher,
                fences.stores().stream().map(StoreFence::id).collect(Collectors.toSet()),
                options.get(JobOptions.MAX_FUTURE_SKEW),
                options.get(JobOptions.MAX_PAST_AGE),
                LocationAnalyticsJob.offerRuleParser(options, fences));
        // A rules file that does not validate stops the submission here, with every problem named.
        LocationAnalyticsJob.fileRules(options, fences);
    }

    public static JobSetup fromArguments(String[] args, Map<String, String> environment) {
        return new JobSetup(CommandLine.parse(args), environment);
    }

    public static JobSetup of(Configuration options, Map<String, String> environment) {
        return new JobSetup(options, environment);
    }

    public Configuration options() {
        return options;
    }

    public FenceCatalog fences() {
        return fences;
    }

    public Outputs outputs() {
        return outputs;
    }

    public InputParser parser() {
        return parser;
    }

    public boolean usesEphemeralHashKey() {
        return ephemeralHashKey;
    }

    public LocationAnalyticsJob job() {
        return job(outputs.sinks());
    }

    /** The job with the source these options select and the given sinks. */
    public LocationAnalyticsJob job(JobSinks sinks) {
        LocationAnalyticsJob job = new LocationAnalyticsJob(options, fences, source(), sinks);
        // The simulator is one stream in arrival order: one reader (see LocationAnalyticsJob).
        return options.get(JobOptions.SOURCE) == SourceKind.simulator ? job.withSourceParallelism(1) : job;
    }

    public Source<Ingested, ?, ?> source() {
        return options.get(JobOptions.SOURCE) == SourceKind.kafka ? kafkaSource() : simulatorSource();
    }

    public SimulationSettings simulationSettings() {
        return SimulationSettings.builder()
                .seed(options.get(JobOptions.SIMULATOR_SEED))
                .customers(options.get(JobOptions.SIMULATOR_CUSTOMERS))
                .duration(options.get(JobOptions.SIMULATOR_DURATION))
                .badRecordRate(options.get(JobOptions.SIMULATOR_BAD_RECORD_RATE))
                .staffPerStore(options.get(JobOptions.SIMULATOR_STAFF_PER_STORE))
                .build();
    }

    /** The simulation the simulator source replays (run once on the client, for its size and truth). */
    public Simulation simulation() {
        if (simulation == null) {
            simulation = new CitySimulator(fences, simulationSettings()).run();
        }
        return simulation;
    }

    private Source<Ingested, ?, ?> simulatorSource() {
        InputParser parse = parser;
        return SimulatorSource.create(
                fences,
                simulationSettings(),
                options.get(JobOptions.SIMULATOR_SPEED),
                simulation().records().size(),
                parse::parse,
                TypeInformation.of(Ingested.class));
    }

    private Source<Ingested, ?, ?> kafkaSource() {
        Map<String, InputTopic> topics = new HashMap<>();
        JobOptions.INPUT_TOPICS.forEach((topic, option) -> topics.put(options.get(option), topic));
        KafkaSourceBuilder<Ingested> builder = KafkaSource.<Ingested>builder()
                .setBootstrapServers(options.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setGroupId(options.get(JobOptions.KAFKA_GROUP_ID))
                .setTopics(topics.keySet().stream().sorted().toList())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaInputDeserializer(topics, parser))
                .setProperty("partition.discovery.interval.ms", "60000");
        if (options.get(JobOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Flink settings derived from the options: parallelism, checkpointing, state backend, no generic (Kryo) types, and the options
     * themselves as global job parameters (secrets masked) so that they show in the web UI.
     */
    public Configuration flinkConfiguration() {
        Configuration flink = new Configuration();
        flink.set(CoreOptions.DEFAULT_PARALLELISM, options.get(JobOptions.PARALLELISM));
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.get(JobOptions.CHECKPOINT_INTERVAL));
        StateBackendKind backend = options.get(JobOptions.STATE_BACKEND);
        flink.set(StateBackendOptions.STATE_BACKEND, backend.name());
        if (backend == StateBackendKind.rocksdb) {
            flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        options.getOptional(JobOptions.CHECKPOINT_DIR)
                .ifPresent(dir -> flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
        // No Kryo: every record and state type has a POJO or explicit serializer. A type that would fall back
        // to Kryo stops the job when it is built (or when its state is first used) instead of slowing it silently.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        Map<String, String> visible = new HashMap<>(options.toMap());
        for (ConfigOption<?> secret : JobOptions.SECRETS) {
            visible.computeIfPresent(secret.key(), (k, v) -> "******");
        }
        flink.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, visible);
        return flink;
    }
}
