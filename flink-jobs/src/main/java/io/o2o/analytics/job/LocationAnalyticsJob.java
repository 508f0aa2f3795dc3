package io.o2o.analytics.job;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.identity.DeviceUserEvidence;
import io.o2o.analytics.identity.IdentityEdge;
import io.o2o.analytics.identity.IdentityResolver;
import io.o2o.analytics.ingest.DeadLetterReason;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.metrics.HealthTick;
import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.metrics.PipelineHealthAggregator;
import io.o2o.analytics.metrics.StoreTrafficAggregator;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.visits.VisitDetector;
import io.o2o.analytics.visits.VisitRules;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The location analytics job: input records in; store visits, dead letters and store metrics out.
 *
 * <pre>
 *  source (Kafka topics | simulator), parsed + watermarked per partition
 *    -> route input ---------------------------------> dead letters (topic / files)
 *         | pings, keyed by hashed device      + customer of each device (identity graph, below)
 *         v
 *       detect visits (enter / exit / visit / pass_by / reattributed) --> visits (topic / files)
 *         | keyed by store                      \
 *         v                                      v
 *       store traffic + dwell per minute     pipeline health per topic and minute
 *                           \                 /
 *                            metrics (InfluxDB / line protocol)
 *
 *  identity links + (device, user) seen on pings -> resolve identities (one graph) -> customer assignments
 * </pre>
 *
 * The source and the sinks are handed in, so tests run this very pipeline with their own; {@link #main}
 * plugs in the production ones.
 */
public final class LocationAnalyticsJob {
    public static final String JOB_NAME = "o2o-location-analytics";

    private final Configuration options;
    private final FenceCatalog fences;
    private final Source<Ingested, ?, ?> source;
    private final JobSinks sinks;
    private int sourceParallelism = -1;

    public LocationAnalyticsJob(
            Configuration options, FenceCatalog fences, Source<Ingested, ?, ?> source, JobSinks sinks) {
        this.options = options;
        this.fences = fences;
        this.source = source;
        this.sinks = sinks;
    }

    /**
     * Runs the source with a parallelism of its own. The simulator's records form one stream in arrival
     * order, so it runs as one reader: split into contiguous ranges, a later range would run ahead in event
     * time and every keyed operator would buffer it until the earlier range caught up.
     */
    public LocationAnalyticsJob withSourceParallelism(int parallelism) {
        this.sourceParallelism = parallelism;
        return this;
    }

    public static VisitRules visitRules(Configuration options) {
        return new VisitRules(
                options.get(JobOptions.MAX_ENTRY_ACCURACY),
                options.get(JobOptions.ENTER_DEPTH),
                options.get(JobOptions.EXIT_MARGIN),
                options.get(JobOptions.ENTRY_CONFIRMATIONS),
                options.get(JobOptions.MIN_DWELL),
                options.get(JobOptions.EXIT_TIMEOUT));
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        VisitRules rules = visitRules(options);
        Duration period = options.get(JobOptions.METRICS_PERIOD);

        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(
                        options.get(JobOptions.WATERMARK_OUT_OF_ORDERNESS))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime())
                .withIdleness(options.get(JobOptions.WATERMARK_IDLENESS));
        SingleOutputStreamOperator<Ingested> input =
                env.fromSource(source, watermarks, "input").uid("input-source").name("input");
        if (sourceParallelism > 0) {
            input.setParallelism(sourceParallelism);
        }

        SingleOutputStreamOperator<LbsPing> pings =
                input.process(new InputRouter()).uid("route-input").name("route input");
        if (sourceParallelism > 0) {
            // Chained to the source: each device's records then keep the order they arrived in.
            pings.setParallelism(sourceParallelism);
        }

        SingleOutputStreamOperator<CustomerAssignment> assignments = resolveIdentities(pings);
        DataStream<DeadLetter> refusedEvidence = refusedEvidence(assignments);

        SingleOutputStreamOperator<StoreVisitEvent> visitEvents = pings.keyBy(LbsPing::deviceId)
                .connect(assignments
                        .filter(assignment -> assignment.node().startsWith(VisitDetector.DEVICE_PREFIX))
                        .uid("device-assignments")
                        .name("device assignments")
                        .keyBy(VisitDetector::deviceOf))
                .process(new VisitDetector(fences, rules, options.get(JobOptions.IDENTITY_TTL)))
                .uid("detect-visits")
                .name("detect visits");
        DataStream<DeadLetter> rejectedPings = visitEvents.getSideOutput(VisitDetector.REJECTED_PINGS);

        visitEvents.sinkTo(sinks.visits()).uid("visits-sink").name("visits");

        pings.getSideOutput(InputRouter.DEAD_LETTERS)
                .union(rejectedPings, refusedEvidence)
                .sinkTo(sinks.deadLetters())
                .uid("dead-letter-sink")
                .name("dead letters");

        DataStream<MetricPoint> traffic = visitEvents.keyBy(StoreVisitEvent::storeId)
                .process(new StoreTrafficAggregator(period, rules.decisionDelay()))
                .uid("store-traffic")
                .name("store traffic per minute");
        DataStream<HealthTick> lateTicks = rejectedPings
                .union(refusedEvidence)
                .map(late -> new HealthTick(late.topic(), 0, late.reason(), late.receivedAtMillis()))
                .returns(HealthTick.class)
                .uid("rejected-ping-ticks")
                .name("rejected ping ticks");
        DataStream<MetricPoint> health = pings.getSideOutput(InputRouter.HEALTH)
                .union(lateTicks)
                .keyBy(HealthTick::topic)
                .process(new PipelineHealthAggregator(period))
                .uid("pipeline-health")
                .name("pipeline health per minute");
        traffic.union(health).sinkTo(sinks.metrics()).uid("metrics-sink").name("metrics");
    }

    /**
     * Identity evidence (identity links, and devices seen with a user on pings) into the identity graph;
     * every change of an identifier's customer goes to the customer-assignments output.
     */
    private SingleOutputStreamOperator<CustomerAssignment> resolveIdentities(
            SingleOutputStreamOperator<LbsPing> pings) {
        DataStream<IdentityEdge> links = pings.getSideOutput(InputRouter.LINKS)
                .map(link -> IdentityEdge.of(link.a(), link.b(), link.ts(), InputTopic.IDENTITY_LINKS.defaultTopicName()))
                .returns(IdentityEdge.class)
                .uid("identity-links-as-evidence")
                .name("identity links as evidence");
        DataStream<IdentityEdge> seenTogether = pings.filter(ping -> ping.userId() != null)
                .uid("pings-with-a-user")
                .name("pings with a user")
                .keyBy(LbsPing::deviceId)
                .process(new DeviceUserEvidence(options.get(JobOptions.IDENTITY_REFRESH)))
                .uid("device-user-evidence")
                .name("devices seen with a user");
        SingleOutputStreamOperator<CustomerAssignment> assignments = links.union(seenTogether)
                .keyBy(edge -> IdentityResolver.GRAPH)
                .process(new IdentityResolver(
                        options.get(JobOptions.IDENTITY_MAX_IDS), options.get(JobOptions.IDENTITY_TTL)))
                .uid("identity-resolver")
                .name("resolve identities");
        // Keyed by identifier, so that each identifier's assignments reach the output in the order decided.
        assignments.keyBy(CustomerAssignment::node)
                .sinkTo(sinks.customerAssignments())
                .uid("customer-assignments-sink")
                .name("customer assignments");
        return assignments;
    }

    /** Evidence the identity graph refused (over the per-customer cap), as dead letters. */
    private DataStream<DeadLetter> refusedEvidence(SingleOutputStreamOperator<CustomerAssignment> assignments) {
        int maxIds = options.get(JobOptions.IDENTITY_MAX_IDS);
        return assignments.getSideOutput(IdentityResolver.REFUSED)
                .map(edge -> new DeadLetter(
                        edge.evidence(),
                        DeadLetterReason.MERGE_REFUSED.code(),
                        "would give a customer more than " + maxIds + " identifiers",
                        edge.a() + " ~ " + edge.b(),
                        edge.ts()))
                .returns(DeadLetter.class)
                .uid("refused-evidence")
                .name("refused evidence");
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    /** Entry point of the job jar ({@code flink run}); {@link LocalLauncher} adds the embedded extras. */
    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help());
            return;
        }
        JobSetup setup = JobSetup.fromArguments(args, System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(setup.flinkConfiguration());
        setup.job().execute(env);
    }
}
