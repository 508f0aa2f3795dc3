package io.o2o.analytics.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One in-process MiniCluster that runs both pipelines one after the other (or, for the latency benchmark, one job
 * until it is stopped). The benchmark owns it (rather than letting {@code env.execute()} start and stop a cluster
 * per job) for two reasons: start-up is not part of either measurement, and the finished job's checkpoint
 * statistics can be read from the dispatcher after the job ends, including the final checkpoint of a bounded job,
 * which polling the REST API while it runs misses.
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
        JobGraph job = jobGraph(name, pipeline);
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

    /**
     * Submits a pipeline that runs until it is stopped (an unbounded source) and returns once it is submitted;
     * {@link #awaitRunning}, {@link #stop} and {@link #checkpoints} follow it.
     */
    public JobID start(String name, Consumer<StreamExecutionEnvironment> pipeline) throws Exception {
        return cluster.submitJob(jobGraph(name, pipeline)).get().getJobID();
    }

    /**
     * Waits until every task of the job runs: a job whose sources are still being deployed would meet its first
     * records late, and a latency measured from their append would count the deployment.
     *
     * @throws IllegalStateException if the job ends first, or is not running within {@code patience}
     */
    public void awaitRunning(JobID id, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(id).get();
            if (graph.getState().isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended before it ran: " + graph.getState());
            }
            boolean allRunning = graph.getState() == JobStatus.RUNNING;
            for (AccessExecutionVertex task : graph.getAllExecutionVertices()) {
                allRunning &= task.getExecutionState() == ExecutionState.RUNNING;
            }
            if (allRunning) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job's tasks were not all running after " + patience.toSeconds()
                        + " s (job " + graph.getState() + ")");
            }
            Thread.sleep(200);
        }
    }

    public JobStatus status(JobID id) throws Exception {
        return cluster.getJobStatus(id).get();
    }

    /**
     * Stops a running job with a savepoint and without draining: no end-of-input watermark, so nothing is decided
     * because the job ends, while the savepoint commits what the exactly-once sinks hold (as a checkpoint would).
     * Cancels it when the savepoint fails.
     *
     * @return whether it stopped with the savepoint (false: cancelled)
     */
    public boolean stop(JobID id, Path savepointDir, Duration patience) throws Exception {
        boolean stopped;
        try {
            cluster.stopWithSavepoint(id, savepointDir.toUri().toString(), false, SavepointFormatType.CANONICAL)
                    .get(patience.toSeconds(), TimeUnit.SECONDS);
            stopped = true;
        } catch (ExecutionException | TimeoutException e) {
            cluster.cancelJob(id).get(patience.toSeconds(), TimeUnit.SECONDS);
            stopped = false;
        }
        cluster.requestJobResult(id).get(patience.toSeconds(), TimeUnit.SECONDS);
        return stopped;
    }

    /** The checkpoints of a job that has ended, as the dispatcher archived them. */
    public CheckpointFigures checkpoints(JobID id) throws Exception {
        return CheckpointFigures.of(cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot());
    }

    private JobGraph jobGraph(String name, Consumer<StreamExecutionEnvironment> pipeline) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        pipeline.accept(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return graph.getJobGraph();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
