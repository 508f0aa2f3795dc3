package io.o2o.analytics.bench;

import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One in-process MiniCluster that runs both pipelines one after the other. The benchmark owns it (rather than
 * letting {@code env.execute()} start and stop a cluster per job) for two reasons: start-up is not part of
 * either measurement, and the finished job's checkpoint statistics can be read from the dispatcher after the
 * job ends, including the final checkpoint of a bounded job, which polling the REST API while it runs misses.
 */
public final class BenchmarkCluster implements AutoCloseable {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Configuration configuration;
    private final MiniCluster cluster;

    /** @param configuration cluster and job settings both: parallelism, checkpointing, state backend */
    public BenchmarkCluster(Configuration configuration, int slots) throws Exception {
        this.configuration = configuration;
        this.cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    /**
     * Builds a pipeline, runs it to the end and measures it.
     *
     * @param pipeline adds the pipeline's sources, operators and sinks to the environment it is given
     * @param recordsAccumulator the accumulator in which the pipeline counts its input records
     */
    public RunFigures run(String name, int round, Consumer<StreamExecutionEnvironment> pipeline,
            String recordsAccumulator) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        pipeline.accept(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        JobGraph job = graph.getJobGraph();
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();

        long cpuBefore = OS.getProcessCpuTime();
        long started = System.nanoTime();
        JobID id = cluster.submitJob(job).get().getJobID();
        JobResult result = cluster.requestJobResult(id).get();
        long wall = System.nanoTime() - started;
        long cpu = OS.getProcessCpuTime() - cpuBefore;

        JobExecutionResult execution = result.toJobExecutionResult(classLoader);
        CheckpointStatsSnapshot stats = cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot();
        Object records = execution.getAccumulatorResult(recordsAccumulator);
        return new RunFigures(name, round, records instanceof Long count ? count : 0L, wall, cpu,
                CheckpointFigures.of(stats));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
